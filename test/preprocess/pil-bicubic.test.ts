import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { decodeImage, resizeBicubicPil } from '../../models/preprocess/index.js';
import { computeAxisWeights } from '../../models/preprocess/pil-bicubic.js';
import { PHOTOS, compareBytes, fixturePath, patternImage, readRgbPng, reference } from './fixtures.js';

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

test('resize of the noise image matches Pillow byte for byte at every size', async () => {
  const cases = reference.resize.noise;
  assert.ok(cases.length >= 8);
  for (const { input, width, height, expected } of cases) {
    const source = await readRgbPng(fixturePath(input));
    const resized = resizeBicubicPil(source, width, height);
    const pillow = await readRgbPng(fixturePath(expected));
    assert.equal(resized.width, width);
    assert.equal(resized.height, height);
    assert.deepEqual(compareBytes(resized.data, pillow.data), { max: 0, mean: 0, differing: 0 }, `${width}x${height}`);
  }
});

test('strong downscale of a 2000x1500 pattern matches Pillow', () => {
  const { width, height, cases } = reference.resize.pattern;
  const pattern = patternImage(width, height);
  for (const target of cases) {
    const resized = resizeBicubicPil(pattern, target.width, target.height);
    assert.equal(sha256(resized.data), target.sha256, `${target.width}x${target.height}`);
  }
});

test('384x384 resize of each photo is the uint8 image transformers normalizes', async () => {
  for (const [name, photo] of Object.entries(reference.photos)) {
    const decoded = await decodeImage(join(PHOTOS, name));
    const resized = resizeBicubicPil(decoded, 384, 384);
    const pillow = await readRgbPng(fixturePath(photo.resized));
    assert.deepEqual(compareBytes(resized.data, pillow.data), { max: 0, mean: 0, differing: 0 }, name);
    assert.equal(sha256(resized.data), photo.resizedSha256, name);
  }
});

test('axis weights are 22-bit fixed point summing to one', () => {
  for (const [inSize, outSize] of [[4000, 384], [451, 384], [10, 384], [384, 384], [7, 1]]) {
    const axis = computeAxisWeights(inSize, outSize);
    for (let i = 0; i < outSize; i++) {
      let sum = 0;
      for (let k = 0; k < axis.counts[i]; k++) sum += axis.weights[i * axis.taps + k];
      // Rounding each of up to `taps` weights moves the sum by at most half a unit per weight.
      assert.ok(Math.abs(sum - (1 << 22)) <= axis.taps, `${inSize}->${outSize} output ${i}: sum ${sum}`);
      assert.ok(axis.starts[i] >= 0, `${inSize}->${outSize} output ${i} starts at ${axis.starts[i]}`);
      assert.ok(axis.starts[i] + axis.counts[i] <= inSize, `${inSize}->${outSize} output ${i} reads past the end`);
    }
  }
});

test('resize to the same size returns an equal copy', () => {
  const image = patternImage(31, 17);
  const resized = resizeBicubicPil(image, 31, 17);
  assert.deepEqual(resized.data, image.data);
  assert.notEqual(resized.data, image.data);
});

test('resize with a bad size or buffer raises RangeError naming it', () => {
  const image = patternImage(8, 8);
  assert.throws(() => resizeBicubicPil(image, 0, 8), (error: unknown) => error instanceof RangeError && /width/.test(error.message));
  assert.throws(() => resizeBicubicPil(image, 8, 2.5), (error: unknown) => error instanceof RangeError && /height/.test(error.message));
  const short = { data: image.data.subarray(0, 10), width: 8, height: 8 };
  assert.throws(() => resizeBicubicPil(short, 4, 4), (error: unknown) => error instanceof RangeError && /10 bytes/.test(error.message));
});
