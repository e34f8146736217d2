"""Write the golden fixtures of the image preprocessing tests.

Run by hand, from the repository root, with the reference environment:

    /work/venv-ref/bin/python test/reference/preprocess_reference.py

It writes test/fixtures/preprocess/. The inputs are small images made here (greyscale, 16-bit,
CMYK, alpha, EXIF-rotated, animated). The expectations are what Pillow's
Image.open(...).convert("RGB") makes of them, the 384x384 uint8 images that Pillow's BICUBIC
resize makes of the photos, and resize cases on a noise image. reference.json adds
pixel_values statistics from transformers' BlipImageProcessor on its PIL backend.
npm test only reads these files.
"""

import hashlib
import json
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import PIL
import transformers
from PIL import Image, ImageOps
from transformers.image_transforms import convert_to_rgb
from transformers.models.blip.image_processing_pil_blip import BlipImageProcessorPil

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = ROOT.parent / "shared" / "data" / "images"
OUT = ROOT / "test" / "fixtures" / "preprocess"
INPUTS = OUT / "inputs"
EXPECTED = OUT / "expected"

PARITY_PHOTOS = ["chelsea.png", "astronaut.png", "coffee.png", "palette_color.png"]
# (width, height) targets for the noise image: both passes, each pass alone, no pass, extremes.
NOISE_TARGETS = [(160, 120), (17, 93), (50, 7), (120, 40), (50, 400), (50, 40), (1, 1), (3, 200)]
# A large synthetic image (too big to commit) that the TypeScript test rebuilds from the same formula.
PATTERN_SIZE = (2000, 1500)
PATTERN_TARGETS = [(97, 61), (13, 384), (384, 384)]
SAMPLE_POSITIONS = [(0, 0, 0), (0, 0, 383), (1, 100, 200), (2, 383, 383), (0, 191, 17), (1, 5, 300), (2, 250, 64)]


def write_png_rgb16(path: Path, pixels: np.ndarray) -> None:
    """Write an H x W x 3 uint16 array as a 16-bit RGB PNG (Pillow cannot save that mode)."""
    height, width, _ = pixels.shape
    rows = b"".join(b"\x00" + pixels[y].astype(">u2").tobytes() for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    path.write_bytes(png)


def pattern_image(width: int, height: int) -> np.ndarray:
    """Deterministic high-frequency RGB pattern; test/preprocess/pattern.ts computes the same bytes."""
    x = np.arange(width, dtype=np.int64)[None, :]
    y = np.arange(height, dtype=np.int64)[:, None]
    red = (x * x * 3 + x * y * 7 + (x ^ y)) & 255
    green = (x * 13 + y * 5 + ((x * y) >> 3)) & 255
    blue = ((x ^ (y * 3)) * 11 + 17) & 255
    return np.stack([red, green, blue], axis=-1).astype(np.uint8)


def save_rgb(path: Path, image: Image.Image) -> None:
    """Save RGB pixels alone: Pillow would carry an ICC profile or tRNS chunk over from the source's info."""
    assert image.mode == "RGB", image.mode
    Image.fromarray(np.array(image)).save(path, format="PNG", optimize=True)


def make_inputs() -> list[str]:
    """Write the small test inputs and return their file names."""
    camera = Image.open(PHOTOS / "camera.png")
    chelsea = Image.open(PHOTOS / "chelsea.png").convert("RGB")
    rng = np.random.default_rng(20240611)

    grey = np.array(camera.resize((48, 40), Image.Resampling.BICUBIC), dtype=np.uint16)
    grey16 = grey * 257 + rng.integers(0, 256, grey.shape, dtype=np.uint16) % 257
    grey16 = np.minimum(grey16, 65535).astype(np.uint16)
    Image.fromarray(grey16).save(INPUTS / "grey16.png")

    small = np.array(chelsea.resize((48, 40), Image.Resampling.BICUBIC), dtype=np.uint16)
    rgb16 = np.minimum(small * 257 + rng.integers(0, 257, small.shape), 65535).astype(np.uint16)
    write_png_rgb16(INPUTS / "rgb16.png", rgb16)

    chelsea.resize((64, 48), Image.Resampling.BICUBIC).convert("CMYK").save(INPUTS / "cmyk.jpg", quality=95)

    # Every (value, alpha) pair: red = column, alpha = row.
    col = np.arange(256, dtype=np.int64)[None, :].repeat(256, 0)
    row = np.arange(256, dtype=np.int64)[:, None].repeat(256, 1)
    rgba = np.stack([col, 255 - col, (col * 7 + row * 3) & 255, row], axis=-1).astype(np.uint8)
    Image.fromarray(rgba, mode="RGBA").save(INPUTS / "rgba.png", optimize=True)

    la = np.stack([np.array(camera.resize((32, 32)), dtype=np.uint8), (row[:32, :32] * 8 + col[:32, :32]).astype(np.uint8)], -1)
    Image.fromarray(la, mode="LA").save(INPUTS / "la.png")

    palette = Image.fromarray(np.array(chelsea.resize((16, 16)))).quantize(colors=8)
    palette.save(INPUTS / "palette-trns.png", transparency=3)

    frames = [Image.new("RGB", (20, 16), (200, 30, 40)), Image.new("RGB", (20, 16), (20, 60, 220))]
    frames[0].paste((250, 240, 10), (0, 0, 10, 8))
    frames[0].save(INPUTS / "animated.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)

    # Stored landscape 48x32; EXIF orientation 6 means "rotate 90 degrees clockwise to display".
    stored = Image.new("RGB", (48, 32), (230, 20, 20))
    stored.paste((20, 20, 230), (24, 0, 48, 32))
    stored.paste((20, 200, 20), (0, 0, 8, 8))
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(INPUTS / "exif-6.jpg", quality=100, subsampling=0, exif=exif.tobytes())

    Image.fromarray(rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)).save(INPUTS / "noise-50x40.png")
    return ["grey16.png", "rgb16.png", "cmyk.jpg", "rgba.png", "la.png", "palette-trns.png", "animated.gif", "exif-6.jpg"]


def write_decode_expectations(names: list[str]) -> dict:
    """Record Pillow's convert("RGB") and transformers' convert_to_rgb of each input."""
    result = {}
    for name in names:
        image = Image.open(INPUTS / name)
        stem = name.rsplit(".", 1)[0]
        entry = {"pilMode": image.mode, "size": list(image.size), "pilRgb": f"expected/{stem}.pil-rgb.png"}
        save_rgb(EXPECTED / f"{stem}.pil-rgb.png", image.convert("RGB"))
        hf = convert_to_rgb(Image.open(INPUTS / name), return_numpy=True)
        if not np.array_equal(hf, np.array(image.convert("RGB"))):
            entry["transformersRgb"] = f"expected/{stem}.transformers-rgb.png"
            save_rgb(EXPECTED / f"{stem}.transformers-rgb.png", Image.fromarray(hf))
        if name == "exif-6.jpg":
            entry["exifTransposedRgb"] = f"expected/{stem}.exif-transposed-rgb.png"
            save_rgb(EXPECTED / f"{stem}.exif-transposed-rgb.png", ImageOps.exif_transpose(Image.open(INPUTS / name)).convert("RGB"))
        result[name] = entry
    for name in ["palette_color.png", "rocket.jpg"]:
        stem = name.rsplit(".", 1)[0]
        save_rgb(EXPECTED / f"{stem}.pil-rgb.png", Image.open(PHOTOS / name).convert("RGB"))
        result[name] = {"pilMode": Image.open(PHOTOS / name).mode, "pilRgb": f"expected/{stem}.pil-rgb.png", "shared": True}
    return result


def write_resize_cases() -> dict:
    noise = Image.open(INPUTS / "noise-50x40.png")
    cases = []
    for width, height in NOISE_TARGETS:
        out = noise.resize((width, height), Image.Resampling.BICUBIC, reducing_gap=None)
        file = f"expected/noise-50x40.to-{width}x{height}.png"
        save_rgb(OUT / file, out)
        cases.append({"input": "inputs/noise-50x40.png", "width": width, "height": height, "expected": file})
    pattern = Image.fromarray(pattern_image(*PATTERN_SIZE))
    pattern_cases = []
    for width, height in PATTERN_TARGETS:
        out = np.array(pattern.resize((width, height), Image.Resampling.BICUBIC, reducing_gap=None))
        pattern_cases.append({"width": width, "height": height, "sha256": hashlib.sha256(out.tobytes()).hexdigest()})
        if width * height < 10000:
            file = f"expected/pattern.to-{width}x{height}.png"
            save_rgb(OUT / file, Image.fromarray(out))
            pattern_cases[-1]["expected"] = file
    return {"noise": cases, "pattern": {"width": PATTERN_SIZE[0], "height": PATTERN_SIZE[1], "cases": pattern_cases}}


def write_photo_references(processor: BlipImageProcessorPil) -> dict:
    result = {}
    mean = np.array(processor.image_mean, dtype=np.float32)[:, None, None]
    std = np.array(processor.image_std, dtype=np.float32)[:, None, None]
    for name in PARITY_PHOTOS:
        image = Image.open(PHOTOS / name)
        pixel_values = processor(images=image, return_tensors="np")["pixel_values"]
        assert pixel_values.shape == (1, 3, 384, 384), pixel_values.shape
        assert pixel_values.dtype == np.float32, pixel_values.dtype

        # The processor's resize step: uint8 RGB -> PIL BICUBIC 384x384 (reducing_gap None).
        resized = image.convert("RGB").resize((384, 384), Image.Resampling.BICUBIC, reducing_gap=None)
        resized_u8 = np.array(resized)
        # Check that the fixture's uint8 image is the one the processor normalized.
        rescaled = (resized_u8.transpose(2, 0, 1).astype(np.float64) * processor.rescale_factor).astype(np.float32)
        recomputed = ((rescaled - mean) / std).astype(np.float32)[None]
        assert np.array_equal(recomputed, pixel_values), f"{name}: stored resize does not reproduce pixel_values"

        stem = name.rsplit(".", 1)[0]
        save_rgb(EXPECTED / f"{stem}.pil-384.png", resized)
        values = pixel_values[0]
        result[name] = {
            "resized": f"expected/{stem}.pil-384.png",
            "resizedSha256": hashlib.sha256(resized_u8.tobytes()).hexdigest(),
            "pixelValuesSha256": hashlib.sha256(pixel_values.astype("<f4").tobytes()).hexdigest(),
            "channelMean": [round(float(values[c].astype(np.float64).mean()), 6) for c in range(3)],
            "min": float(values.min()),
            "max": float(values.max()),
            "samples": [{"c": c, "y": y, "x": x, "value": float(values[c, y, x])} for c, y, x in SAMPLE_POSITIONS],
        }
    return result


def main() -> None:
    for folder in (INPUTS, EXPECTED):
        folder.mkdir(parents=True, exist_ok=True)
    processor = BlipImageProcessorPil()
    assert processor.backend == "pil", processor.backend
    names = make_inputs()
    reference = {
        "generatedBy": "test/reference/preprocess_reference.py",
        "versions": {"python": sys.version.split()[0], "transformers": transformers.__version__, "pillow": PIL.__version__, "numpy": np.__version__},
        "processorClass": type(processor).__name__,
        "processorConfig": {
            "size": processor.size if isinstance(processor.size, dict) else dict(processor.size),
            "resample": int(processor.resample),
            "rescaleFactor": processor.rescale_factor,
            "imageMean": list(processor.image_mean),
            "imageStd": list(processor.image_std),
        },
        "decode": write_decode_expectations(names),
        "resize": write_resize_cases(),
        "photos": write_photo_references(processor),
    }
    (OUT / "reference.json").write_text(json.dumps(reference, indent=2) + "\n")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {OUT} ({total / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
