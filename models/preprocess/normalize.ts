/**
 * Rescale, normalize and HWC → CHW transpose with the float arithmetic of transformers' PIL backend:
 * rescale multiplies in float64 and rounds to float32 (`image.astype(np.float64) * scale`, then
 * `.astype(np.float32)`), normalize subtracts and divides in float32 with float32 mean and std.
 * Math.fround after each double operation gives the same float32 results: a double has enough bits
 * to round the exact result of a float32 subtraction or division correctly.
 */
import type { RgbImage } from './types.js';

export interface NormalizeSettings {
  doRescale: boolean;
  rescaleFactor: number;
  doNormalize: boolean;
  imageMean: readonly [number, number, number];
  imageStd: readonly [number, number, number];
}

/** Computes the float32 pixel value of each byte value 0..255 for each channel, 3 × 256 entries. */
export function buildChannelLookup(settings: NormalizeSettings): Float32Array {
  const lookup = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const mean = Math.fround(settings.imageMean[c]);
    const std = Math.fround(settings.imageStd[c]);
    for (let byte = 0; byte < 256; byte++) {
      let value = settings.doRescale ? Math.fround(byte * settings.rescaleFactor) : byte;
      if (settings.doNormalize) {
        value = Math.fround(Math.fround(value - mean) / std);
      }
      lookup[c * 256 + byte] = value;
    }
  }
  return lookup;
}

/** Turns an RGB HWC image into float32 CHW pixel values, [3, height, width] in one buffer. */
export function toPixelValues(image: RgbImage, settings: NormalizeSettings): Float32Array {
  const lookup = buildChannelLookup(settings);
  const plane = image.width * image.height;
  const pixelValues = new Float32Array(3 * plane);
  const data = image.data;
  for (let i = 0; i < plane; i++) {
    const p = i * 3;
    pixelValues[i] = lookup[data[p]];
    pixelValues[plane + i] = lookup[256 + data[p + 1]];
    pixelValues[2 * plane + i] = lookup[512 + data[p + 2]];
  }
  return pixelValues;
}
