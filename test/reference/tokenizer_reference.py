"""Write test/fixtures/tokenizer/tokenizer-golden.json: what transformers' BlipProcessor and BertTokenizer
give for the two preset tokenizers that models/tokenizer writes.

Run by hand from the repository root (needs Node and the reference venv):
    /work/venv-ref/bin/python test/reference/tokenizer_reference.py
The tokenizer files are written by the project's own TypeScript (writeTokenizerFiles), then loaded by
transformers twice: from tokenizer.json, and from vocab.txt alone (BertTokenizer(vocab=...)).
"""

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import tokenizers
import transformers
from transformers import BertTokenizer, BlipImageProcessor, BlipProcessor

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test" / "fixtures" / "tokenizer" / "tokenizer-golden.json"
PRESETS = ["tiny", "random-base"]

TEXTS = [
    "a picture of",
    "a picture of ",
    "A Picture Of",
    "a woman sitting on the beach with her dog",
    "Two cats sleeping on a couch.",
    "Don't run, dogs! The man's hat isn't red?",
    "they're here; we've seen it's fine... (maybe)",
    "i do not know",
    "héllo wörld, naïve café",
    "zebras   grazing\tin\nthe  field",
    "price: $3.50 & 10% off #deal @home",
    "the 2 boys and 11 girls",
    "unknownish words like skateboarders and zxqv",
    "中文 text",
    "x" * 120,
    "",
]


def write_preset_tokenizer(name: str, directory: Path) -> None:
    """Write a preset's tokenizer files with the project's TypeScript code."""
    script = (
        "import { buildPresetVocab, writeTokenizerFiles } from './models/tokenizer/index.ts';"
        f"await writeTokenizerFiles({json.dumps(str(directory))}, buildPresetVocab({json.dumps(name)}));"
    )
    subprocess.run(
        ["node", "--import", "tsx", "--input-type=module", "-e", script], cwd=ROOT, check=True
    )


def decode_cases(vocab_size: int, encoded: list[list[int]]) -> list[list[int]]:
    """Id lists to decode: encoded texts as generate returns them, and seeded random id lists."""
    decoder_start = vocab_size
    cases = []
    for ids in encoded:
        # BLIP output form: [DEC] replaces [CLS], the caption ends with [SEP], a batch pads with [PAD].
        cases.append([decoder_start] + ids[1:] + [0, 0])
        cases.append(ids)
    rng = random.Random(1234)
    for _ in range(40):
        length = rng.randint(1, 24)
        cases.append([rng.randrange(0, vocab_size + 2) for _ in range(length)])
    # Ranges that hold pieces and punctuation in both presets, so clean-up and "##" joining occur often.
    for _ in range(40):
        length = rng.randint(2, 16)
        cases.append([rng.randrange(104, 980) for _ in range(length)])
    return cases


def main() -> None:
    result = {
        "transformers": transformers.__version__,
        "tokenizers": tokenizers.__version__,
        "presets": {},
    }
    with tempfile.TemporaryDirectory() as temp:
        for name in PRESETS:
            directory = Path(temp) / name
            write_preset_tokenizer(name, directory)
            from_json = BertTokenizer.from_pretrained(str(directory))
            from_vocab = BertTokenizer(vocab=str(directory / "vocab.txt"))
            processor = BlipProcessor(image_processor=BlipImageProcessor(), tokenizer=from_json)

            encode = []
            for text in TEXTS:
                ids = processor(text=text)["input_ids"]
                vocab_ids = from_vocab(text)["input_ids"]
                if ids != vocab_ids:
                    sys.exit(f"{name}: tokenizer.json and vocab.txt disagree on {text!r}: {ids} vs {vocab_ids}")
                encode.append({"text": text, "ids": ids})

            decode = []
            for ids in decode_cases(len(from_json), [case["ids"] for case in encode]):
                text = processor.decode(ids, skip_special_tokens=True)
                decode.append({"ids": ids, "text": text.strip()})

            result["presets"][name] = {"vocabSize": len(from_json), "encode": encode, "decode": decode}

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(result, ensure_ascii=False) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
