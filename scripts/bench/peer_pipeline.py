"""The PyTorch side of `npm run bench:peer`: the original study's BLIP pipeline, driven over JSON lines.

Started by scripts/bench/peer.ts as a long-lived child process, so the two sides can alternate run
by run in one process tree. Never needed by `npm test` or CI.

Protocol: one JSON object per line on stdin, one reply per line on stdout.
  first line written: {"ready": true, "python": ..., "torch": ..., "transformers": ..., "threads": ...}
                  or: {"ready": false, "missing": ["torch", ...], "python": ..., "error": ...} and exit 3
  {"id": 1, "op": "load", "model": DIR, "pipelines": ["fp32", "int8-dynamic", "l1-int8-dynamic"], "pruneAmount": 0.3}
  {"id": 2, "op": "run", "pipeline": "fp32", "image": FILE, "newTokens": 20}
  {"id": 3, "op": "quit"}
Each reply is {"id": n, "ok": true, "result": {...}} or {"id": n, "ok": false, "error": "..."}.

The pipelines, as the study ran them with PyTorch's default threading:
  fp32             BlipForConditionalGeneration loaded from the model directory's model.safetensors
  int8-dynamic     torch.ao.quantization.quantize_dynamic on every nn.Linear, qint8
  l1-int8-dynamic  prune.l1_unstructured (amount 0.3) on every nn.Linear, prune.remove, then quantize_dynamic
"""
import copy
import importlib
import json
import sys
import time
import traceback

# The protocol owns the real stdout; anything a library prints goes to stderr instead.
PROTOCOL = sys.stdout
sys.stdout = sys.stderr

REQUIRED = ["torch", "transformers", "safetensors", "PIL", "numpy"]
PIPELINES = ["fp32", "int8-dynamic", "l1-int8-dynamic"]


def send(message):
    PROTOCOL.write(json.dumps(message) + "\n")
    PROTOCOL.flush()


def check_imports():
    missing = []
    for name in REQUIRED:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


missing_modules = check_imports()
if missing_modules:
    send({"ready": False, "missing": missing_modules, "python": sys.executable, "pythonVersion": sys.version.split()[0]})
    sys.exit(3)

import torch  # noqa: E402
import transformers  # noqa: E402
from PIL import Image  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn.utils import prune  # noqa: E402
from transformers import AutoTokenizer, BlipForConditionalGeneration  # noqa: E402

try:
    # transformers 5 names the PIL path BlipImageProcessorPil; BlipImageProcessor itself needs torchvision there.
    from transformers.models.blip.image_processing_pil_blip import BlipImageProcessorPil as ImageProcessor
except ImportError:
    from transformers import BlipImageProcessor as ImageProcessor


def elapsed_ms(started):
    return (time.perf_counter() - started) * 1000


def l1_prune_every_linear(model, amount):
    """torch's l1_unstructured on each nn.Linear (LM head included), made permanent with prune.remove."""
    pruned = 0
    for module in model.modules():
        if isinstance(module, nn.Linear):
            prune.l1_unstructured(module, "weight", amount=amount)
            prune.remove(module, "weight")
            pruned += 1
    return pruned


def quantize(model):
    return torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)


class Peer:
    def __init__(self):
        self.models = {}
        self.processor = None
        self.tokenizer = None

    def load(self, request):
        model_dir = request["model"]
        pipelines = request.get("pipelines", PIPELINES)
        unknown = [name for name in pipelines if name not in PIPELINES]
        if unknown:
            raise ValueError(f"unknown pipelines {unknown}; expected a subset of {PIPELINES}")
        amount = float(request.get("pruneAmount", 0.3))
        timings = {}

        started = time.perf_counter()
        fp32 = BlipForConditionalGeneration.from_pretrained(model_dir).eval()
        timings["fp32"] = elapsed_ms(started)
        self.processor = ImageProcessor.from_pretrained(model_dir)
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        if "fp32" in pipelines:
            self.models["fp32"] = fp32
        if "int8-dynamic" in pipelines:
            started = time.perf_counter()
            self.models["int8-dynamic"] = quantize(fp32)
            timings["int8-dynamic"] = elapsed_ms(started)
        if "l1-int8-dynamic" in pipelines:
            started = time.perf_counter()
            pruned = copy.deepcopy(fp32)
            l1_prune_every_linear(pruned, amount)
            self.models["l1-int8-dynamic"] = quantize(pruned)
            timings["l1-int8-dynamic"] = elapsed_ms(started)
        return {
            "pipelines": list(self.models),
            "prepareMs": timings,
            "imageProcessor": type(self.processor).__name__,
            "threads": torch.get_num_threads(),
            "quantizedEngine": torch.backends.quantized.engine,
        }

    def generate_kwargs(self, model, new_tokens):
        text = model.config.text_config
        # Both bounds at N: [SEP] is suppressed until N tokens exist, then generation stops, so every run decodes N tokens.
        return {
            "eos_token_id": text.sep_token_id,
            "pad_token_id": text.pad_token_id,
            "max_new_tokens": new_tokens,
            "min_new_tokens": new_tokens,
        }

    def run(self, request):
        model = self.models.get(request["pipeline"])
        if model is None:
            raise ValueError(f"pipeline {request['pipeline']!r} is not loaded; loaded: {list(self.models)}")
        new_tokens = int(request["newTokens"])
        started = time.perf_counter()
        with torch.no_grad():
            image = Image.open(request["image"])
            pixel_values = self.processor(images=image, return_tensors="pt")["pixel_values"]
            preprocessed = time.perf_counter()

            # The two halves of BlipForConditionalGeneration.generate, timed apart.
            image_embeds = model.vision_model(pixel_values=pixel_values)[0]
            encoded = time.perf_counter()

            image_attention_mask = torch.ones(image_embeds.size()[:-1], dtype=torch.long)
            input_ids = torch.LongTensor([[model.config.text_config.bos_token_id]])
            output = model.text_decoder.generate(
                input_ids=input_ids,
                encoder_hidden_states=image_embeds,
                encoder_attention_mask=image_attention_mask,
                **self.generate_kwargs(model, new_tokens),
            )
            decoded = time.perf_counter()
        token_ids = output[0].tolist()
        caption = self.tokenizer.decode(token_ids, skip_special_tokens=True)
        finished = time.perf_counter()
        decoder_ms = (decoded - encoded) * 1000
        generated = len(token_ids) - 1
        return {
            "tokenIds": token_ids,
            "caption": caption,
            "timingsMs": {
                "preprocess": (preprocessed - started) * 1000,
                "visionEncoder": (encoded - preprocessed) * 1000,
                "decoder": decoder_ms,
                "decoderPerToken": decoder_ms / max(1, generated),
                "total": (finished - started) * 1000,
            },
        }

    def check_split(self, request):
        """Token ids of the pipeline's own model.generate, to show the timed split decodes the same tokens."""
        model = self.models[request["pipeline"]]
        image = Image.open(request["image"])
        pixel_values = self.processor(images=image, return_tensors="pt")["pixel_values"]
        new_tokens = int(request["newTokens"])
        # BlipForConditionalGeneration.generate sets the stop and pad tokens itself.
        output = model.generate(pixel_values=pixel_values, max_new_tokens=new_tokens, min_new_tokens=new_tokens)
        return {"tokenIds": output[0].tolist()}


def main():
    peer = Peer()
    send({
        "ready": True,
        "python": sys.executable,
        "pythonVersion": sys.version.split()[0],
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "threads": torch.get_num_threads(),
    })
    handlers = {"load": peer.load, "run": peer.run, "check-split": peer.check_split}
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("op") == "quit":
            send({"id": request.get("id"), "ok": True, "result": {}})
            return
        handler = handlers.get(request.get("op"))
        try:
            if handler is None:
                raise ValueError(f"unknown op {request.get('op')!r}; expected one of {sorted(handlers)} or quit")
            send({"id": request.get("id"), "ok": True, "result": handler(request)})
        except Exception as error:  # noqa: BLE001 - the Node side reports every failure with its message.
            traceback.print_exc(file=sys.stderr)
            send({"id": request.get("id"), "ok": False, "error": f"{type(error).__name__}: {error}"})


if __name__ == "__main__":
    main()
