import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PREPROCESSOR_CONFIG, preprocessImage, toPixelValues } from '../../models/preprocess/index.js';
import { PHOTOS, readRgbPng, reference } from './fixtures.js';

const SIZE = 384;
const PLANE = SIZE * SIZE;

function channelMean(values: Float32Array, channel: number): number {
  let sum = 0;
  for (let i = channel * PLANE; i < (channel + 1) * PLANE; i++) sum += values[i];
  return sum / PLANE;
}

test('reference was made by the PIL backend of BlipImageProcessor', () => {
  assert.equal(reference.processorClass, 'BlipImageProcessorPil');
  assert.equal(Object.keys(reference.photos).length, 4);
});

test('pixel_values of each photo equal transformers bit for bit', async () => {
  for (const [name, photo] of Object.entries(reference.photos)) {
    const result = await preprocessImage(join(PHOTOS, name));
    const values = result.pixelValues;
    assert.deepEqual(result.dims, [1, 3, SIZE, SIZE], name);
    assert.equal(values.length, 3 * PLANE, name);

    for (const { c, y, x, value } of photo.samples) {
      assert.equal(values[c * PLANE + y * SIZE + x], value, `${name} [${c}, ${y}, ${x}]`);
    }
    for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs(channelMean(values, c) - photo.channelMean[c]) < 1e-6, `${name} channel ${c} mean`);
    }
    assert.equal(values.reduce((a, b) => Math.min(a, b)), photo.min, `${name} min`);
    assert.equal(values.reduce((a, b) => Math.max(a, b)), photo.max, `${name} max`);
    const digest = createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
    assert.equal(digest, photo.pixelValuesSha256, `${name} sha256 of the float32 bytes`);
  }
});

test('preprocessing reports source size and step timings', async () => {
  const result = await preprocessImage(join(PHOTOS, 'coffee.png'));
  assert.deepEqual([result.width, result.height], [600, 400]);
  const { decode, resize, normalize, total } = result.timingsMs;
  for (const value of [decode, resize, normalize]) assert.ok(value >= 0 && value <= total);
  assert.ok(total >= decode + resize + normalize - 1e-6);
});

test('buffer input gives the same pixel_values as the path', async () => {
  const path = join(PHOTOS, 'astronaut.png');
  const fromPath = await preprocessImage(path);
  const fromBuffer = await preprocessImage(await readFile(path));
  assert.deepEqual(fromBuffer.pixelValues, fromPath.pixelValues);
});

test('sharp-cubic resize stays within the measured distance of Pillow', async () => {
  // Maximum |difference| of pixel_values measured with sharp 0.35.6 (libvips 8.18.8); chelsea.png is
  // upscaled vertically (300 to 384 rows), where libvips interpolates differently from Pillow.
  const measured: [string, number][] = [['astronaut.png', 0.06], ['chelsea.png', 0.9954]];
  for (const [name, bound] of measured) {
    const pil = await preprocessImage(join(PHOTOS, name));
    const sharpCubic = await preprocessImage(join(PHOTOS, name), { resample: 'sharp-cubic' });
    let max = 0;
    for (let i = 0; i < pil.pixelValues.length; i++) max = Math.max(max, Math.abs(pil.pixelValues[i] - sharpCubic.pixelValues[i]));
    assert.ok(max > 0, `${name}: sharp-cubic is a different resize`);
    assert.ok(max <= bound + 1e-4, `${name}: max difference ${max} above ${bound}`);
  }
});

test('options override size, mean, std and rescale factor', async () => {
  const path = join(PHOTOS, 'palette_color.png');
  const result = await preprocessImage(path, { size: { height: 20, width: 30 }, imageMean: [0, 0, 0], imageStd: [1, 1, 1], rescaleFactor: 1 });
  assert.deepEqual(result.dims, [1, 3, 20, 30]);
  for (const value of result.pixelValues) assert.ok(Number.isInteger(value) && value >= 0 && value <= 255);

  const noResize = await preprocessImage(path, { doResize: false, doNormalize: false });
  assert.deepEqual(noResize.dims, [1, 3, 10, 10]);
  const rgb = await readRgbPng('test/fixtures/preprocess/expected/palette_color.pil-rgb.png');
  assert.equal(noResize.pixelValues[0], Math.fround(rgb.data[0] / 255));
});

test('float steps follow numpy float32 rounding', () => {
  // Byte 1 rescales to float32(1/255); normalization subtracts and divides in float32.
  const values = toPixelValues({ data: new Uint8Array([0, 1, 255]), width: 1, height: 1 }, DEFAULT_PREPROCESSOR_CONFIG);
  const mean = DEFAULT_PREPROCESSOR_CONFIG.imageMean.map(Math.fround);
  const std = DEFAULT_PREPROCESSOR_CONFIG.imageStd.map(Math.fround);
  assert.equal(values[0], Math.fround(Math.fround(0 - mean[0]) / std[0]));
  assert.equal(values[1], Math.fround(Math.fround(Math.fround(1 / 255) - mean[1]) / std[1]));
  assert.equal(values[2], Math.fround(Math.fround(1 - mean[2]) / std[2]));
});

test('invalid options raise RangeError naming the field', async () => {
  const path = join(PHOTOS, 'palette_color.png');
  const cases: [Parameters<typeof preprocessImage>[1], RegExp][] = [
    [{ size: { height: 0, width: 384 } }, /size\.height/],
    [{ size: { height: 384, width: 1.5 } }, /size\.width/],
    [{ rescaleFactor: -1 }, /rescaleFactor/],
    [{ imageStd: [0.2, 0, 0.2] }, /imageStd/],
    [{ imageMean: [0.5, Number.NaN, 0.5] }, /imageMean/],
    // @ts-expect-error: checks the runtime guard against untyped callers
    [{ resample: 'lanczos' }, /resample must be one of pil-bicubic, sharp-cubic/],
  ];
  for (const [options, pattern] of cases) {
    await assert.rejects(preprocessImage(path, options), (error: unknown) => error instanceof RangeError && pattern.test(error.message), String(pattern));
  }
});
