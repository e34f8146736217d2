/**
 * Pillow's BICUBIC resize of 8-bit images (Image.resize with resample=BICUBIC, no box, no reducing_gap),
 * reproduced byte for byte: a separable convolution, horizontal pass first, each pass rounding to uint8.
 *
 * For one axis with input size `in` and output size `out`:
 * - scale = in / out; the kernel is stretched by filterScale = max(scale, 1), which antialiases
 *   downscaling, and covers support = 2 · filterScale input pixels on each side of the centre;
 * - output pixel i is centred on (i + 0.5) · scale and reads input pixels
 *   [trunc(centre − support + 0.5), trunc(centre + support + 0.5)) clamped to the image;
 * - its weights K((j − centre + 0.5) / filterScale) are normalized to sum 1 in double precision, then
 *   turned into integers with 22 fractional bits, rounding half away from zero;
 * - each output sample is (2^21 + Σ sample · weight) >> 22, clamped to [0, 255].
 * An axis whose size does not change is not resampled at all.
 */
import type { RgbImage } from './types.js';

const CHANNELS = 3;
// Pillow keeps 32 − 8 − 2 = 22 fractional bits for 8-bit images: 8 for the sample, 2 of headroom.
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);
const BICUBIC_SUPPORT = 2;
// Keys' cubic convolution kernel parameter; Pillow uses a = −0.5 (Catmull-Rom).
const A = -0.5;

/** Keys' cubic kernel with a = −0.5. */
function bicubicKernel(x: number): number {
  const t = Math.abs(x);
  if (t < 1) return ((A + 2) * t - (A + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * A;
  return 0;
}

/** Fixed-point weights of one axis: output i reads `counts[i]` inputs from `starts[i]`, weights at i · taps. */
export interface AxisWeights {
  starts: Int32Array;
  counts: Int32Array;
  /** Weights per output index, `taps` slots each; slots past counts[i] are zero. */
  weights: Int32Array;
  taps: number;
}

/** Computes the fixed-point bicubic weights that map `inSize` samples to `outSize`. */
export function computeAxisWeights(inSize: number, outSize: number): AxisWeights {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = BICUBIC_SUPPORT * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const inverseFilterScale = 1 / filterScale;

  const starts = new Int32Array(outSize);
  const counts = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps);
  const raw = new Float64Array(taps);

  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const first = Math.max(0, Math.trunc(centre - support + 0.5));
    const end = Math.min(inSize, Math.trunc(centre + support + 0.5));
    const count = end - first;

    let total = 0;
    for (let k = 0; k < count; k++) {
      // Same operation order as Pillow, so the doubles and therefore the rounded integers agree.
      const weight = bicubicKernel((k + first - centre + 0.5) * inverseFilterScale);
      raw[k] = weight;
      total += weight;
    }
    for (let k = 0; k < count; k++) {
      const weight = total !== 0 ? raw[k] / total : raw[k];
      weights[i * taps + k] = weight < 0 ? Math.trunc(-0.5 + weight * ONE) : Math.trunc(0.5 + weight * ONE);
    }
    starts[i] = first;
    counts[i] = count;
  }
  return { starts, counts, weights, taps };
}

/*
 * Both passes accumulate in int32, as Pillow does. That cannot overflow: the positive bicubic weights of one
 * output sum to less than 1.2 (the kernel's negative lobes are small), so |sum| < 2^21 + 255 · 1.2 · 2^22 < 2^31.
 */

/** Resamples rows [firstRow, firstRow + rowCount) of `source` to `outWidth` columns. */
function resampleRows(source: RgbImage, firstRow: number, rowCount: number, outWidth: number, axis: AxisWeights): Uint8Array {
  const { starts, counts, weights, taps } = axis;
  const input = source.data;
  const output = new Uint8ClampedArray(rowCount * outWidth * CHANNELS);
  const inStride = source.width * CHANNELS;

  for (let y = 0; y < rowCount; y++) {
    const rowStart = (firstRow + y) * inStride;
    let o = y * outWidth * CHANNELS;
    for (let x = 0; x < outWidth; x++) {
      const count = counts[x];
      const weightBase = x * taps;
      let p = rowStart + starts[x] * CHANNELS;
      let red = HALF;
      let green = HALF;
      let blue = HALF;
      for (let k = 0; k < count; k++, p += CHANNELS) {
        const weight = weights[weightBase + k];
        red = (red + input[p] * weight) | 0;
        green = (green + input[p + 1] * weight) | 0;
        blue = (blue + input[p + 2] * weight) | 0;
      }
      // >> is a floor division by 2^22 and the clamped array clips to [0, 255], as Pillow's clip8 does.
      output[o++] = red >> PRECISION_BITS;
      output[o++] = green >> PRECISION_BITS;
      output[o++] = blue >> PRECISION_BITS;
    }
  }
  return new Uint8Array(output.buffer);
}

/** Resamples the columns of `rows` (whose first row is input row `firstRow`) to `outHeight` rows. */
function resampleColumns(rows: Uint8Array, width: number, firstRow: number, outHeight: number, axis: AxisWeights): Uint8Array {
  const { starts, counts, weights, taps } = axis;
  const stride = width * CHANNELS;
  const output = new Uint8ClampedArray(outHeight * stride);
  // One accumulator per sample of an output row, filled input row by input row so that reads stay sequential.
  const sums = new Int32Array(stride);

  for (let y = 0; y < outHeight; y++) {
    sums.fill(HALF);
    const count = counts[y];
    const weightBase = y * taps;
    for (let k = 0; k < count; k++) {
      const weight = weights[weightBase + k];
      const rowStart = (starts[y] - firstRow + k) * stride;
      for (let s = 0; s < stride; s++) {
        sums[s] += rows[rowStart + s] * weight;
      }
    }
    const o = y * stride;
    for (let s = 0; s < stride; s++) {
      output[o + s] = sums[s] >> PRECISION_BITS;
    }
  }
  return new Uint8Array(output.buffer);
}

/** Resizes an RGB image to width × height exactly as Pillow's `Image.resize((width, height), BICUBIC)`. */
export function resizeBicubicPil(image: RgbImage, width: number, height: number): RgbImage {
  for (const [field, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`resize ${field} must be a positive integer, got ${value}`);
    }
  }
  if (image.data.length !== image.width * image.height * CHANNELS) {
    throw new RangeError(
      `image data has ${image.data.length} bytes; a ${image.width}×${image.height} RGB image needs ${image.width * image.height * CHANNELS}`,
    );
  }
  if (width === image.width && height === image.height) {
    return { data: image.data.slice(), width, height };
  }

  const needHorizontal = width !== image.width;
  const needVertical = height !== image.height;
  const vertical = needVertical ? computeAxisWeights(image.height, height) : undefined;

  // Like Pillow, the horizontal pass covers only the input rows the vertical pass reads.
  let firstRow = 0;
  let rowCount = image.height;
  if (vertical !== undefined) {
    firstRow = vertical.starts[0];
    rowCount = vertical.starts[height - 1] + vertical.counts[height - 1] - firstRow;
  }

  let rows = image.data;
  if (needHorizontal) {
    rows = resampleRows(image, firstRow, rowCount, width, computeAxisWeights(image.width, width));
  } else {
    firstRow = 0;
  }
  if (vertical === undefined) {
    return { data: rows, width, height };
  }
  return { data: resampleColumns(rows, width, firstRow, height, vertical), width, height };
}
