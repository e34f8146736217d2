"""Write the torch checkpoint fixtures under test/fixtures/checkpoint/.

Run by hand with the reference venv (torch 2.x, safetensors):
    /work/venv-ref/bin/python test/reference/make_torch_bin.py

Outputs:
  small.bin            torch.save of a state dict with fp32, fp16, bf16, int64, int32, bool,
                       uint8, a 0-d tensor, an nn.Parameter, a transposed (non-contiguous) tensor
                       and two views of one shared storage at different offsets.
  small-deflated.bin   the same archive with every entry deflated instead of stored.
  small.json           each tensor's dtype, shape and contiguous little-endian bytes in hex.
  small.safetensors    the same tensors written by the Python safetensors package.
  legacy.bin           torch.save with the pre-1.6 (non-zip) format, which the reader rejects.
  malicious.bin        a torch-style zip whose data.pkl calls os.system; built from raw pickle
                       opcodes and never unpickled here.
"""

import collections
import io
import json
import pickle
import zipfile
from pathlib import Path

import torch
from safetensors.torch import save_file

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "checkpoint"

SAFETENSORS_DTYPE = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}


def build_state_dict() -> collections.OrderedDict:
    torch.manual_seed(0)
    # A real module's state_dict carries the `_metadata` attribute that torch pickles with BUILD.
    state = torch.nn.Linear(4, 3).state_dict()
    state["vision_model.embeddings.class_embedding"] = torch.randn(1, 1, 8)
    state["half.edges"] = torch.tensor(
        [0.0, -0.0, 1.0, 65504.0, 2.0**-24, 6.1e-5, float("inf"), float("-inf"), float("nan"), 1 / 3],
        dtype=torch.float16,
    )
    state["bfloat.values"] = torch.tensor([1.0, -2.5, 3.140625, 1e30, -1e-30], dtype=torch.bfloat16)
    state["double.values"] = torch.tensor([0.1, -1e300], dtype=torch.float64)
    state["text_decoder.bert.embeddings.position_ids"] = torch.arange(12).unsqueeze(0)
    state["int64.extremes"] = torch.tensor([2**62 + 1, -(2**63), 9007199254740993], dtype=torch.int64)
    state["int32.values"] = torch.tensor([[1, -2], [2**31 - 1, -(2**31)]], dtype=torch.int32)
    state["bool.mask"] = torch.tensor([True, False, True])
    state["uint8.bytes"] = torch.tensor([0, 7, 255], dtype=torch.uint8)
    state["scalar"] = torch.tensor(2.5)
    # Transposed: shape [5, 3] with stride (1, 5) over its own storage.
    state["transposed"] = torch.randn(3, 5).t()
    # Two tensors over one storage: the whole matrix, and a 2x2 window at storage offset 7.
    base = torch.arange(20, dtype=torch.float32).reshape(4, 5)
    state["shared.whole"] = base
    state["shared.window"] = base[1:3, 2:4]
    # An nn.Parameter pickles through torch._utils._rebuild_parameter.
    state["parameter"] = torch.nn.Parameter(torch.tensor([[0.5, -0.25]]), requires_grad=False)
    return state


def expected_json(state: collections.OrderedDict) -> dict:
    expected = {}
    for name, tensor in state.items():
        contiguous = tensor.detach().contiguous()
        raw = contiguous.view(torch.uint8) if contiguous.dim() > 0 else contiguous.reshape(1).view(torch.uint8)
        expected[name] = {
            "dtype": SAFETENSORS_DTYPE[tensor.dtype],
            "shape": list(tensor.shape),
            "hex": bytes(raw.numpy().tobytes()).hex(),
        }
    return expected


def rezip_deflated(source: Path, target: Path) -> None:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))


def malicious_pickle() -> bytes:
    # PROTO 2; GLOBAL 'os system'; SHORT_BINUNICODE 'echo owned'; TUPLE1; REDUCE; STOP.
    command = b"echo owned"
    return (
        pickle.PROTO + b"\x02"
        + pickle.GLOBAL + b"os\nsystem\n"
        + pickle.SHORT_BINUNICODE + bytes([len(command)]) + command
        + pickle.TUPLE1
        + pickle.REDUCE
        + pickle.STOP
    )


def write_malicious(target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", malicious_pickle())
        archive.writestr("archive/byteorder", "little")
        archive.writestr("archive/version", "3\n")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    state = build_state_dict()
    torch.save(state, OUT / "small.bin")
    rezip_deflated(OUT / "small.bin", OUT / "small-deflated.bin")
    (OUT / "small.json").write_text(json.dumps(expected_json(state), indent=1) + "\n")
    save_file(
        {name: tensor.detach().contiguous() for name, tensor in state.items() if name != "shared.window"},
        OUT / "small.safetensors",
        metadata={"format": "pt"},
    )
    torch.save({"weight": torch.ones(2, 2)}, OUT / "legacy.bin", _use_new_zipfile_serialization=False)
    write_malicious(OUT / "malicious.bin")
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
