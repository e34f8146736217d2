"""Write test/fixtures/generation/toy-golden.json: what transformers' own generate (greedy and beam search)
and logits processors produce on the toy decoder of test/generation/toy-decoder.ts.

Run by hand from the repository root:
    /work/venv-ref/bin/python test/reference/generation_reference.py

The toy decoder's logits depend only on each row's last two tokens, through a 32-bit hash; toy_logits below
computes the same float32 values as toyLogits in TypeScript. A tiny PreTrainedModel returns them, so that
model.generate runs transformers' real decoding loop, processors, stopping criteria and beam scorer.
"""

import json
from pathlib import Path

import numpy as np
import torch
import transformers
from torch import nn
from transformers import GenerationConfig, GenerationMixin, PreTrainedModel, PretrainedConfig
from transformers.modeling_outputs import CausalLMOutput

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test" / "fixtures" / "generation" / "toy-golden.json"
MASK = 0xFFFFFFFF
NO_TOKEN = 0xFFFF


def mix(value: int) -> int:
    """The lowbias32 mixer, exact modulo 2**32 (same steps as mix() in toy-decoder.ts)."""
    value &= MASK
    value ^= value >> 16
    value = (value * 0x7FEB352D) & MASK
    value ^= value >> 15
    value = (value * 0x846CA68B) & MASK
    value ^= value >> 16
    return value


def toy_logits(table: dict, tokens: list[int]) -> np.ndarray:
    last = tokens[-1]
    previous = tokens[-2] if len(tokens) >= 2 else NO_TOKEN
    context = mix(mix(mix(table["seed"]) ^ previous) ^ last)
    values = []
    for token in range(table["vocabSize"]):
        value = (mix(context ^ token) / 4294967296) * 8 - 4
        if token == table["eosTokenId"]:
            value += table["eosBias"]
        values.append(value)
    return np.array(values, dtype=np.float32)


class ToyConfig(PretrainedConfig):
    model_type = "toy-table"

    def __init__(self, table: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.table = table or {"vocabSize": 4, "seed": 0, "eosTokenId": 3, "eosBias": 0.0}
        self.vocab_size = self.table["vocabSize"]


class ToyModel(PreTrainedModel, GenerationMixin):
    """Returns the toy table's logits for the last position of every row; it keeps no cache."""

    config_class = ToyConfig

    def __init__(self, config: ToyConfig):
        super().__init__(config)
        self.unused = nn.Parameter(torch.zeros(1))
        self.post_init()

    def forward(self, input_ids=None, attention_mask=None, **kwargs):
        rows = [torch.from_numpy(toy_logits(self.config.table, row.tolist())) for row in input_ids]
        return CausalLMOutput(logits=torch.stack(rows)[:, None, :])


# Options in the TypeScript names; to_generate_kwargs maps them to transformers' arguments.
TABLE_SMALL = {"vocabSize": 12, "seed": 1, "eosTokenId": 3, "eosBias": 0.5}
TABLE_LATE_EOS = {"vocabSize": 12, "seed": 4, "eosTokenId": 3, "eosBias": -1.0}
TABLE_EARLY_EOS = {"vocabSize": 12, "seed": 2, "eosTokenId": 3, "eosBias": 2.0}
TABLE_WIDE = {"vocabSize": 40, "seed": 7, "eosTokenId": 2, "eosBias": 1.5}
# Found by search: the three early-stopping modes give three different captions, and beam beats greedy.
TABLE_STOP_MODES = {"vocabSize": 12, "seed": 222, "eosTokenId": 3, "eosBias": 1.0}
# Found by search: length penalties -1, 0, 1 and 2 give four different captions.
TABLE_PENALTIES = {"vocabSize": 12, "seed": 27, "eosTokenId": 3, "eosBias": 0.0}

CASES = [
    ("greedy default lengths", TABLE_SMALL, [11, 5], {"strategy": "greedy", "maxLength": 12}),
    ("greedy late stop", TABLE_LATE_EOS, [11], {"strategy": "greedy", "maxLength": 14}),
    ("greedy repetition penalty", TABLE_LATE_EOS, [11, 5], {"strategy": "greedy", "maxLength": 16, "repetitionPenalty": 1.8}),
    ("greedy repetition penalty below one", TABLE_SMALL, [11, 5], {"strategy": "greedy", "maxLength": 14, "repetitionPenalty": 0.7}),
    ("greedy no repeat bigram", TABLE_LATE_EOS, [11, 5], {"strategy": "greedy", "maxLength": 16, "noRepeatNgramSize": 2}),
    ("greedy no repeat unigram", TABLE_LATE_EOS, [11, 5], {"strategy": "greedy", "maxLength": 12, "noRepeatNgramSize": 1}),
    ("greedy min new tokens", TABLE_EARLY_EOS, [11, 5], {"strategy": "greedy", "maxLength": 16, "minNewTokens": 6}),
    ("greedy min length", TABLE_EARLY_EOS, [11, 5], {"strategy": "greedy", "maxLength": 16, "minLength": 5}),
    ("greedy max new tokens", TABLE_LATE_EOS, [11, 5, 7], {"strategy": "greedy", "maxNewTokens": 5}),
    ("greedy wide vocabulary", TABLE_WIDE, [39, 1], {"strategy": "greedy", "maxLength": 20}),
    ("beam 2", TABLE_SMALL, [11, 5], {"strategy": "beam", "numBeams": 2, "maxLength": 12}),
    ("beam 3", TABLE_SMALL, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 12}),
    ("beam 4 early stop table", TABLE_EARLY_EOS, [11, 5], {"strategy": "beam", "numBeams": 4, "maxLength": 14}),
    ("beam 3 late stop", TABLE_LATE_EOS, [11], {"strategy": "beam", "numBeams": 3, "maxLength": 14}),
    ("beam length penalty 0", TABLE_SMALL, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "lengthPenalty": 0.0}),
    ("beam length penalty 2", TABLE_SMALL, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "lengthPenalty": 2.0}),
    ("beam length penalty -1", TABLE_SMALL, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "lengthPenalty": -1.0}),
    ("beam early stopping true", TABLE_EARLY_EOS, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "earlyStopping": True}),
    ("beam early stopping never", TABLE_EARLY_EOS, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "earlyStopping": "never"}),
    ("beam never with length penalty 2", TABLE_SMALL, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "earlyStopping": "never", "lengthPenalty": 2.0}),
    ("beam true with length penalty 0", TABLE_SMALL, [11, 5], {"strategy": "beam", "numBeams": 4, "maxLength": 14, "earlyStopping": True, "lengthPenalty": 0.0}),
    ("beam repetition penalty", TABLE_LATE_EOS, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "repetitionPenalty": 1.5}),
    ("beam no repeat bigram", TABLE_LATE_EOS, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "noRepeatNgramSize": 2}),
    ("beam min new tokens", TABLE_EARLY_EOS, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "minNewTokens": 5}),
    ("beam force new tokens", TABLE_EARLY_EOS, [11, 5], {"strategy": "beam", "numBeams": 3, "forceNewTokens": 7}),
    ("beam wide vocabulary", TABLE_WIDE, [39, 1], {"strategy": "beam", "numBeams": 5, "maxNewTokens": 10}),
    ("beam more candidates than tokens", TABLE_SMALL, [11, 5], {"strategy": "beam", "numBeams": 8, "maxLength": 12}),
    ("beam 16 wide", TABLE_WIDE, [39], {"strategy": "beam", "numBeams": 16, "maxLength": 12, "lengthPenalty": 0.5}),
    ("stop modes greedy", TABLE_STOP_MODES, [11, 5], {"strategy": "greedy", "maxLength": 14}),
    ("stop modes false", TABLE_STOP_MODES, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "earlyStopping": False}),
    ("stop modes true", TABLE_STOP_MODES, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "earlyStopping": True}),
    ("stop modes never", TABLE_STOP_MODES, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "earlyStopping": "never"}),
    ("stop modes never penalty 2", TABLE_STOP_MODES, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "earlyStopping": "never", "lengthPenalty": 2.0}),
    ("stop modes true 2 beams", TABLE_STOP_MODES, [11, 5], {"strategy": "beam", "numBeams": 2, "maxLength": 14, "earlyStopping": True}),
    ("stop modes false 5 beams", TABLE_STOP_MODES, [11, 5], {"strategy": "beam", "numBeams": 5, "maxLength": 14}),
    ("penalty -1", TABLE_PENALTIES, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "lengthPenalty": -1.0}),
    ("penalty 0", TABLE_PENALTIES, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "lengthPenalty": 0.0}),
    ("penalty 1", TABLE_PENALTIES, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "lengthPenalty": 1.0}),
    ("penalty 2", TABLE_PENALTIES, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "lengthPenalty": 2.0}),
    ("penalty 1 with repetition penalty", TABLE_PENALTIES, [11, 5], {"strategy": "beam", "numBeams": 3, "maxLength": 14, "repetitionPenalty": 1.3, "noRepeatNgramSize": 3}),
]


def to_generate_kwargs(options: dict, table: dict) -> dict:
    kwargs = {
        "eos_token_id": table["eosTokenId"],
        "pad_token_id": 0,
        "do_sample": False,
        "num_beams": options.get("numBeams", 1),
        "repetition_penalty": options.get("repetitionPenalty", 1.0),
        "no_repeat_ngram_size": options.get("noRepeatNgramSize", 0),
        "length_penalty": options.get("lengthPenalty", 1.0),
        "early_stopping": options.get("earlyStopping", False),
        "use_cache": False,
        "return_dict_in_generate": True,
        "output_scores": True,
    }
    if "forceNewTokens" in options:
        kwargs["min_new_tokens"] = kwargs["max_new_tokens"] = options["forceNewTokens"]
    else:
        if "maxNewTokens" in options:
            kwargs["max_new_tokens"] = options["maxNewTokens"]
        else:
            kwargs["max_length"] = options["maxLength"]
        if "minNewTokens" in options:
            kwargs["min_new_tokens"] = options["minNewTokens"]
        if "minLength" in options:
            kwargs["min_length"] = options["minLength"]
    return kwargs


def run_generate_cases() -> list[dict]:
    results = []
    for name, table, prompt, options in CASES:
        model = ToyModel(ToyConfig(table=table)).eval()
        model.generation_config = GenerationConfig()
        with torch.no_grad():
            output = model.generate(torch.tensor([prompt]), **to_generate_kwargs(options, table))
        case = {"name": name, "table": table, "prompt": prompt, "options": options,
                "tokenIds": output.sequences[0].tolist()}
        if getattr(output, "sequences_scores", None) is not None:
            case["score"] = float(output.sequences_scores[0])
        results.append(case)
    return results


def to_json_scores(scores: torch.Tensor) -> list:
    """-inf becomes None, since JSON has no infinities."""
    return [None if np.isneginf(value) else float(value) for value in scores.tolist()]


def run_processor_cases() -> list[dict]:
    """The processor list transformers builds for sampling settings, applied to fixed score rows."""
    rng = np.random.default_rng(3)
    settings = [
        {"repetitionPenalty": 1.3, "noRepeatNgramSize": 2, "minNewTokens": 3, "temperature": 0.7, "topK": 5, "topP": 0.8},
        {"repetitionPenalty": 0.8, "temperature": 1.5, "topK": 0, "topP": 0.5},
        {"noRepeatNgramSize": 3, "minLength": 9, "topK": 3},
        {"temperature": 0.3, "topK": 50, "topP": 0.95},
        {"topK": 1},
    ]
    histories = [[20, 4, 7, 4, 7, 9, 4], [1, 2, 3, 1, 2, 3, 1, 2], [5, 5, 5, 5, 5, 5, 5, 5, 5, 5]]
    model = ToyModel(ToyConfig(table={"vocabSize": 24, "seed": 0, "eosTokenId": 3, "eosBias": 0.0})).eval()
    results = []
    for options in settings:
        config = GenerationConfig(
            do_sample=True,
            eos_token_id=3,
            repetition_penalty=options.get("repetitionPenalty", 1.0),
            no_repeat_ngram_size=options.get("noRepeatNgramSize", 0),
            min_new_tokens=options.get("minNewTokens"),
            min_length=options.get("minLength", 0),
            temperature=options.get("temperature", 1.0),
            top_k=options.get("topK", 50),
            top_p=options.get("topP", 1.0),
        )
        config._eos_token_tensor = torch.tensor([3])
        prompt_length = 2
        if config.min_new_tokens is not None:
            config.min_length = config.min_new_tokens + prompt_length
        processors = model._get_logits_processor(generation_config=config, input_ids_seq_length=prompt_length)
        for history in histories:
            scores = torch.from_numpy(rng.normal(0.0, 2.0, 24).astype(np.float32))[None, :]
            processed = processors(torch.tensor([history]), scores.clone())
            results.append({
                "options": options,
                "promptLength": prompt_length,
                "tokens": history,
                "processors": [type(processor).__name__ for processor in processors],
                "scores": to_json_scores(scores[0]),
                "processed": to_json_scores(processed[0]),
            })
    return results


def sample_toy_logits() -> list[dict]:
    """A few rows of the toy table, to check that both languages compute it identically."""
    samples = []
    for table, tokens in [(TABLE_SMALL, [11]), (TABLE_SMALL, [11, 5]), (TABLE_WIDE, [39, 1, 2]), (TABLE_LATE_EOS, [0, 0])]:
        samples.append({"table": table, "tokens": tokens, "logits": toy_logits(table, tokens).tolist()})
    return samples


def main() -> None:
    result = {
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "toyLogits": sample_toy_logits(),
        "generate": run_generate_cases(),
        "processors": run_processor_cases(),
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
