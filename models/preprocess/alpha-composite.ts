/**
 * Compositing of straight (not premultiplied) RGBA onto opaque white with the integer arithmetic of
 * Pillow's Image.alpha_composite, which transformers 5.25's convert_to_rgb applies to images with alpha.
 */

// Pillow's alpha_composite carries the blend coefficients with 7 fractional bits.
const PRECISION_BITS = 7;
const ROUNDING = 0x80 << PRECISION_BITS;

/** Pillow's rounding-free x / 255 for x < 2^16 · 255: two shifts by 8 bits. */
function shiftDivide255(value: number): number {
  return ((value >> 8) + value) >> 8;
}

/**
 * Composites RGBA pixels (HWC, 4 channels) onto an opaque white background and returns RGB (HWC, 3 channels).
 * With an opaque background Pillow's coefficients reduce to alpha · 2^7 for the pixel and
 * (255 − alpha) · 2^7 for the white, so the general formula's division is exact and left out.
 */
export function compositeOnWhite(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const pixels = width * height;
  if (rgba.length !== pixels * 4) {
    throw new RangeError(`rgba has ${rgba.length} bytes; a ${width}×${height} RGBA image needs ${pixels * 4}`);
  }
  const rgb = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    const alpha = rgba[i * 4 + 3];
    const pixelCoef = alpha << PRECISION_BITS;
    const whiteTerm = 255 * ((255 - alpha) << PRECISION_BITS) + ROUNDING;
    for (let c = 0; c < 3; c++) {
      rgb[i * 3 + c] = shiftDivide255(rgba[i * 4 + c] * pixelCoef + whiteTerm) >> PRECISION_BITS;
    }
  }
  return rgb;
}
