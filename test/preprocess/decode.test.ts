import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodeImage } from '../../models/preprocess/index.js';
import { PHOTOS, compareBytes, fixturePath, insertPngChunk, readRgbPng, reference } from './fixtures.js';

const EXACT = { max: 0, mean: 0, differing: 0 };

async function decodeAgainstPillow(name: string, expectedFile: string, alpha: 'drop' | 'white' = 'drop') {
  const entry = reference.decode[name];
  const path = entry.shared ? join(PHOTOS, name) : fixturePath(`inputs/${name}`);
  const decoded = await decodeImage(path, { alpha });
  const expected = await readRgbPng(fixturePath(expectedFile));
  assert.equal(decoded.width, expected.width, `${name} width`);
  assert.equal(decoded.height, expected.height, `${name} height`);
  return { decoded, expected, difference: compareBytes(decoded.data, expected.data) };
}

test('palette, 16-bit RGB, animated GIF and JPEG decode as Pillow convert("RGB")', async () => {
  for (const name of ['palette_color.png', 'rgb16.png', 'animated.gif', 'rocket.jpg', 'la.png', 'palette-trns.png']) {
    const { difference } = await decodeAgainstPillow(name, reference.decode[name].pilRgb);
    assert.deepEqual(difference, EXACT, name);
  }
});

test('greyscale decodes to the grey value replicated in R, G and B', async () => {
  const grey = await sharp(join(PHOTOS, 'camera.png')).extractChannel(0).raw().toBuffer();
  const decoded = await decodeImage(join(PHOTOS, 'camera.png'));
  assert.equal(decoded.data.length, grey.length * 3);
  for (let i = 0; i < grey.length; i++) {
    if (decoded.data[i * 3] !== grey[i] || decoded.data[i * 3 + 1] !== grey[i] || decoded.data[i * 3 + 2] !== grey[i]) {
      assert.fail(`pixel ${i}: ${decoded.data.subarray(i * 3, i * 3 + 3).join(',')} is not grey ${grey[i]}`);
    }
  }
});

test('16-bit greyscale keeps the high byte where Pillow clips to 255', async () => {
  const path = fixturePath('inputs/grey16.png');
  const raw = await sharp(path).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer();
  const samples = new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2);
  const decoded = await decodeImage(path);
  const pillow = await readRgbPng(fixturePath(reference.decode['grey16.png'].pilRgb));
  assert.equal(reference.decode['grey16.png'].pilMode, 'I;16');
  for (let i = 0; i < samples.length; i++) {
    assert.equal(decoded.data[i * 3], samples[i] >> 8, `pixel ${i}`);
    // Pillow 13 converts I;16 to RGB by clipping, so nearly every pixel is white there.
    assert.equal(pillow.data[i * 3], Math.min(samples[i], 255), `Pillow pixel ${i}`);
  }
});

test('CMYK JPEG within 41 levels of Pillow', async () => {
  const { difference } = await decodeAgainstPillow('cmyk.jpg', reference.decode['cmyk.jpg'].pilRgb);
  // Pillow uses R = (255 − C)(255 − K)/255 without a profile; libvips converts through a CMYK ICC profile.
  // Measured with sharp 0.35.6 (libvips 8.18.8) against Pillow 13.0.0: max 41, mean 7.37.
  assert.ok(difference.max <= 41, `max ${difference.max}`);
  assert.ok(difference.mean <= 7.5, `mean ${difference.mean}`);
});

test('alpha drop keeps the stored RGB of semi-transparent pixels', async () => {
  const { decoded, difference } = await decodeAgainstPillow('rgba.png', reference.decode['rgba.png'].pilRgb, 'drop');
  assert.deepEqual(difference, EXACT);
  // Row y has alpha y and column x has red x (see the reference script); alpha 10 must not darken red 200.
  const p = (10 * 256 + 200) * 3;
  assert.deepEqual([...decoded.data.subarray(p, p + 2)], [200, 55]);
});

test('alpha white composites like transformers 5.25 convert_to_rgb', async () => {
  for (const name of ['rgba.png', 'la.png', 'palette-trns.png']) {
    const file = reference.decode[name].transformersRgb;
    assert.ok(file !== undefined, `${name} has a transformers expectation`);
    const { difference } = await decodeAgainstPillow(name, file, 'white');
    assert.deepEqual(difference, EXACT, name);
  }
});

test('alpha white leaves opaque images unchanged', async () => {
  const drop = await decodeImage(join(PHOTOS, 'chelsea.png'), { alpha: 'drop' });
  const white = await decodeImage(join(PHOTOS, 'chelsea.png'), { alpha: 'white' });
  assert.deepEqual(white.data, drop.data);
});

test('EXIF orientation 6 turns a stored 48x32 JPEG upright to 32x48', async () => {
  const { decoded, difference } = await decodeAgainstPillow('exif-6.jpg', reference.decode['exif-6.jpg'].exifTransposedRgb as string);
  assert.deepEqual(difference, EXACT);
  assert.deepEqual([decoded.width, decoded.height], [32, 48]);
  // The stored left (red) half ends up on top, and the green top-left corner at the top right.
  const at = (x: number, y: number) => [...decoded.data.subarray((y * 32 + x) * 3, (y * 32 + x) * 3 + 3)];
  assert.ok(at(16, 4)[0] > 200, `top is red: ${at(16, 4)}`);
  assert.ok(at(16, 4)[2] < 50, `top is red: ${at(16, 4)}`);
  assert.ok(at(16, 44)[2] > 200, `bottom is blue: ${at(16, 44)}`);
  assert.ok(at(16, 44)[0] < 50, `bottom is blue: ${at(16, 44)}`);
  assert.ok(at(29, 2)[1] > 180, `top right is green: ${at(29, 2)}`);
  assert.ok(at(29, 2)[0] < 50, `top right is green: ${at(29, 2)}`);
});

test('animated GIF decodes frame 0 only', async () => {
  const decoded = await decodeImage(fixturePath('inputs/animated.gif'));
  assert.deepEqual([decoded.width, decoded.height], [20, 16]);
  // Frame 0 is red with a yellow top-left quarter; frame 1 is blue.
  assert.deepEqual([...decoded.data.subarray(0, 3)], [250, 240, 10]);
  const last = decoded.data.length - 3;
  assert.deepEqual([...decoded.data.subarray(last)], [200, 30, 40]);
});

test('animated WebP and multi-page TIFF decode page 0 only', async () => {
  const gif = fixturePath('inputs/animated.gif');
  const webp = await sharp(gif, { animated: true }).webp({ lossless: true }).toBuffer();
  const tiff = await sharp(gif, { animated: true }).tiff({ compression: 'lzw' }).toBuffer();
  for (const [format, bytes] of [['webp', webp], ['tiff', tiff]] as const) {
    assert.equal((await sharp(bytes).metadata()).pages, 2, `${format} has two pages`);
    const decoded = await decodeImage(bytes);
    assert.deepEqual([decoded.width, decoded.height], [20, 16], format);
    assert.deepEqual([...decoded.data.subarray(0, 3)], [250, 240, 10], format);
    assert.deepEqual([...decoded.data.subarray(decoded.data.length - 3)], [200, 30, 40], format);
  }
});

test('embedded ICC profiles of RGB images are ignored, as Pillow ignores them', async () => {
  const source = await readRgbPng(fixturePath('inputs/noise-50x40.png'));
  const raw = () => sharp(source.data, { raw: { width: 50, height: 40, channels: 3 } });
  const displayP3 = (await sharp(await raw().withIccProfile('p3').png().toBuffer()).metadata()).icc;
  assert.ok(displayP3 !== undefined);
  // The same stored bytes, now tagged Display P3 (PNG iCCP chunk: name, NUL, method 0, zlib data).
  const iccp = Buffer.concat([Buffer.from('p3\0\0', 'latin1'), deflateSync(displayP3)]);
  const tagged = insertPngChunk(await raw().png().toBuffer(), 'iCCP', iccp);
  const colourManaged = await sharp(tagged).raw().toBuffer();
  assert.ok(compareBytes(colourManaged, source.data).max > 0, 'sharp applies the profile by default');

  const decoded = await decodeImage(tagged);
  assert.deepEqual(compareBytes(decoded.data, source.data), EXACT);
});

test('WebP, TIFF and AVIF inputs decode to RGB', async () => {
  const source = await readRgbPng(fixturePath('inputs/noise-50x40.png'));
  const raw = () => sharp(source.data, { raw: { width: 50, height: 40, channels: 3 } });
  const lossless = [await raw().webp({ lossless: true }).toBuffer(), await raw().tiff({ compression: 'lzw' }).toBuffer()];
  for (const bytes of lossless) {
    assert.deepEqual(compareBytes((await decodeImage(bytes)).data, source.data), EXACT);
  }
  const avif = await decodeImage(await raw().avif({ quality: 90 }).toBuffer());
  assert.deepEqual([avif.width, avif.height, avif.data.length], [50, 40, 50 * 40 * 3]);
});

test('decode with an invalid alpha mode raises RangeError naming alpha', async () => {
  // @ts-expect-error: checks the runtime guard against untyped callers
  await assert.rejects(decodeImage(join(PHOTOS, 'chelsea.png'), { alpha: 'black' }), (error: unknown) => error instanceof RangeError && /alpha/.test(error.message));
});
