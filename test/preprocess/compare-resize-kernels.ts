/**
 * Measures how far sharp's resize kernels land from Pillow's BICUBIC (this package's byte-exact
 * re-implementation) on every photo in ../shared/data/images, and how long each takes.
 * Run by hand from the repository root: npx tsx test/preprocess/compare-resize-kernels.ts
 * It prints a Markdown table; docs/preprocessing.md quotes its output.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  DEFAULT_PREPROCESSOR_CONFIG,
  decodeImage,
  preprocessImage,
  resizeBicubicPil,
  resizeWithSharp,
  toPixelValues,
  type SharpKernel,
} from '../../models/preprocess/index.js';

const PHOTOS = '../shared/data/images';
const KERNELS: SharpKernel[] = ['cubic', 'mitchell', 'lanczos3'];
const SIZE = DEFAULT_PREPROCESSOR_CONFIG.size;

function maxAndMean(a: ArrayLike<number>, b: ArrayLike<number>): [number, number] {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const difference = Math.abs(a[i] - b[i]);
    sum += difference;
    if (difference > max) max = difference;
  }
  return [max, sum / a.length];
}

async function compareKernels(): Promise<void> {
  console.log('| photo | size | kernel | uint8 max | uint8 mean | pixel_values max | pixel_values mean |');
  console.log('|---|---|---|---|---|---|---|');
  const files = readdirSync(PHOTOS).filter((file) => /\.(png|jpe?g)$/i.test(file)).sort();
  for (const file of files) {
    const image = await decodeImage(join(PHOTOS, file));
    const pil = resizeBicubicPil(image, SIZE.width, SIZE.height);
    const pilValues = toPixelValues(pil, DEFAULT_PREPROCESSOR_CONFIG);
    for (const kernel of KERNELS) {
      const resized = await resizeWithSharp(image, SIZE.width, SIZE.height, kernel);
      const [byteMax, byteMean] = maxAndMean(resized.data, pil.data);
      const [valueMax, valueMean] = maxAndMean(toPixelValues(resized, DEFAULT_PREPROCESSOR_CONFIG), pilValues);
      const row = [file, `${image.width}×${image.height}`, kernel, byteMax, byteMean.toFixed(3), valueMax.toFixed(4), valueMean.toFixed(5)];
      console.log(`| ${row.join(' | ')} |`);
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeLargePhoto(): Promise<void> {
  // A 4000×3000 JPEG made from rocket.jpg, the size of a phone photo.
  const jpeg = await sharp(join(PHOTOS, 'rocket.jpg')).resize(4000, 3000, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
  const decoded = await decodeImage(jpeg);
  console.log('\n| step on a 4000×3000 JPEG | median of 5 (ms) |');
  console.log('|---|---|');
  const rows: [string, () => Promise<unknown>][] = [
    ['decode (sharp)', () => decodeImage(jpeg)],
    ['resize pil-bicubic', async () => resizeBicubicPil(decoded, SIZE.width, SIZE.height)],
    ['resize sharp-cubic', () => resizeWithSharp(decoded, SIZE.width, SIZE.height, 'cubic')],
    ['preprocessImage, pil-bicubic', () => preprocessImage(jpeg)],
    ['preprocessImage, sharp-cubic', () => preprocessImage(jpeg, { resample: 'sharp-cubic' })],
  ];
  for (const [label, run] of rows) {
    await run();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    console.log(`| ${label} | ${median(times).toFixed(0)} |`);
  }
}

await compareKernels();
await timeLargePhoto();
