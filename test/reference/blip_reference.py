"""Write golden fixtures for BLIP Bench's parity tests from Hugging Face transformers.

Run by hand, never by CI (needs torch 2.13 CPU and transformers):
    python test/reference/blip_reference.py --model models/store/tiny --out test/fixtures/reference/tiny

It loads the model directory's model.safetensors into BlipForConditionalGeneration and writes:
  pixels-<image>.bin   uint8 384x384x3 after PIL's BICUBIC resize (what BlipImageProcessor's PIL path does)
  embeds-<image>.bin   float32 vision encoder output (post LayerNorm), [577, hidden]
  logits.bin           float32 decoder logits [T, vocab] for fixed input ids on the first image
  reference.json       shapes, the fixed ids, greedy and beam-search token ids, L1 pruning masks
"""
import argparse
import base64
import json
import os

import numpy as np
import torch
from PIL import Image
from torch.nn.utils import prune
from transformers import BlipForConditionalGeneration
from transformers.models.blip.image_processing_pil_blip import BlipImageProcessorPil

IMAGES = ["chelsea.png", "astronaut.png", "coffee.png"]
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
BEAM_SETTINGS = [
    {"num_beams": 3, "max_length": 20, "min_length": 5},
    {"num_beams": 4, "max_length": 20, "length_penalty": 2.0, "early_stopping": True},
    {"num_beams": 2, "max_length": 12, "no_repeat_ngram_size": 2, "repetition_penalty": 1.3},
]


def resized_pixels(path):
    image = Image.open(path).convert("RGB")
    return np.asarray(image.resize((384, 384), resample=Image.BICUBIC), dtype=np.uint8)


def normalize(pixels):
    scaled = (pixels.astype(np.float64) * (1 / 255)).astype(np.float32)
    chw = ((scaled - MEAN) / STD).astype(np.float32).transpose(2, 0, 1)
    return torch.from_numpy(np.ascontiguousarray(chw))[None]


def pack_mask(mask):
    bits = np.packbits(mask.flatten().numpy().astype(np.uint8), bitorder="little")
    return base64.b64encode(bits.tobytes()).decode("ascii")


def l1_masks(model, amount):
    """Masks of torch's l1_unstructured applied to each Linear outside the LM head."""
    masks = {}
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear) and "cls.predictions" not in name:
            prune.l1_unstructured(module, "weight", amount=amount)
            masks[name] = {"shape": list(module.weight.shape), "pruned": int((module.weight_mask == 0).sum()), "bits": pack_mask(module.weight_mask)}
    return masks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--images", default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "images"))
    parser.add_argument("--skip-masks", action="store_true", help="skip the L1 masks (large for random-base)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)

    model = BlipForConditionalGeneration.from_pretrained(args.model).eval()
    processor = BlipImageProcessorPil()
    reference = {"transformers": __import__("transformers").__version__, "torch": torch.__version__, "images": {}}

    with torch.no_grad():
        for index, image in enumerate(IMAGES):
            stem = os.path.splitext(image)[0]
            pixels = resized_pixels(os.path.join(args.images, image))
            pixels.tofile(os.path.join(args.out, f"pixels-{stem}.bin"))
            pixel_values = normalize(pixels)
            official = processor(Image.open(os.path.join(args.images, image)), return_tensors="pt")["pixel_values"]
            embeds = model.vision_model(pixel_values=pixel_values)[0][0]
            embeds.numpy().astype(np.float32).tofile(os.path.join(args.out, f"embeds-{stem}.bin"))
            greedy = model.generate(pixel_values=pixel_values)[0].tolist()
            prompt_ids = torch.tensor([[101, 1037, 3861, 1997, 102]]) if model.config.text_config.vocab_size > 30000 else None
            entry = {
                "processorMaxAbsDiff": float((official - pixel_values).abs().max()),
                "embedsShape": list(embeds.shape),
                "greedy": greedy,
                "beam": [{"settings": s, "tokenIds": model.generate(pixel_values=pixel_values, **s)[0].tolist()} for s in BEAM_SETTINGS],
            }
            if prompt_ids is not None:
                entry["greedyWithPrompt"] = model.generate(pixel_values=pixel_values, input_ids=prompt_ids)[0].tolist()
            reference["images"][stem] = entry

            if index == 0:
                vocab = model.config.text_config.vocab_size
                bos = model.config.text_config.bos_token_id
                fixed = [bos] + [(7 * k + 3) % (vocab - 2) for k in range(1, 7)]
                out = model.text_decoder(
                    input_ids=torch.tensor([fixed]),
                    encoder_hidden_states=embeds[None],
                    encoder_attention_mask=torch.ones(1, embeds.shape[0], dtype=torch.long),
                )
                out.logits[0].numpy().astype(np.float32).tofile(os.path.join(args.out, "logits.bin"))
                reference["logits"] = {"image": stem, "inputIds": fixed, "shape": list(out.logits[0].shape)}

        if not args.skip_masks:
            reference["l1Masks"] = {"amount": 0.3, "scope": "per-layer", "layers": l1_masks(model, 0.3)}

    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
