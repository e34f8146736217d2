import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageInputError, decodeImage, inspectImage, preprocessImage, type ImageInputProblem } from '../../models/preprocess/index.js';
import { PHOTOS, fixturePath, pngHeaderOnly } from './fixtures.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'preprocess-input-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function isInputError(problem: ImageInputProblem, source: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ImageInputError, `expected ImageInputError, got ${String(error)}`);
    assert.equal(error.problem, problem);
    assert.equal(error.source, source);
    assert.ok(error.message.includes(source), `message names ${source}: ${error.message}`);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

test('inspectImage reads header facts without decoding', async () => {
  const path = join(PHOTOS, 'chelsea.png');
  const info = await inspectImage(path);
  const bytes = await readFile(path);
  assert.deepEqual(info, {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    format: 'png',
    width: 451,
    height: 300,
    pages: 1,
    hasAlpha: false,
    space: 'srgb',
    orientation: 1,
  });
});

test('inspectImage reports oriented size, pages and colour space', async () => {
  const rotated = await inspectImage(fixturePath('inputs/exif-6.jpg'));
  assert.deepEqual([rotated.width, rotated.height, rotated.orientation, rotated.format], [32, 48, 6, 'jpeg']);
  const animated = await inspectImage(fixturePath('inputs/animated.gif'));
  assert.deepEqual([animated.width, animated.height, animated.pages], [20, 16, 2]);
  assert.equal((await inspectImage(fixturePath('inputs/cmyk.jpg'))).space, 'cmyk');
  assert.equal((await inspectImage(fixturePath('inputs/grey16.png'))).space, 'grey16');
  assert.equal((await inspectImage(fixturePath('inputs/rgba.png'))).hasAlpha, true);
});

test('missing file raises ImageInputError naming the path', async () => {
  const path = join(dir, 'no-such-photo.jpg');
  await assert.rejects(inspectImage(path), isInputError('missing', path, /not found/));
  await assert.rejects(preprocessImage(path), isInputError('missing', path, /not found/));
});

test('zero-byte file raises ImageInputError naming the file', async () => {
  const path = join(dir, 'empty.png');
  await writeFile(path, Buffer.alloc(0));
  await assert.rejects(decodeImage(path), isInputError('empty', path, /0 bytes/));
  await assert.rejects(inspectImage(Buffer.alloc(0)), isInputError('empty', 'uploaded image'));
});

test('text file raises ImageInputError listing accepted formats', async () => {
  const path = join(dir, 'notes.jpg');
  await writeFile(path, 'a shopping list, not a photo\n');
  await assert.rejects(decodeImage(path), isInputError('unsupported-format', path, /JPEG, PNG, WebP, GIF, TIFF, AVIF/));
  await assert.rejects(inspectImage(Buffer.from('hello'), { name: 'upload.png' }), isInputError('unsupported-format', 'upload.png'));
});

test('SVG is rejected as a format the engine does not decode', async () => {
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>');
  await assert.rejects(decodeImage(svg), isInputError('unsupported-format', 'uploaded image', /in SVG format, which the engine does not decode; accepted formats are JPEG/));
});

test('truncated JPEG raises ImageInputError instead of decoding grey', async () => {
  const bytes = await readFile(join(PHOTOS, 'rocket.jpg'));
  const path = join(dir, 'rocket-cut.jpg');
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
  // The header is intact, so inspection succeeds; decoding finds the missing scans.
  assert.equal((await inspectImage(path)).width, 640);
  await assert.rejects(decodeImage(path), isInputError('corrupt', path, /truncated or corrupt/));
  await assert.rejects(preprocessImage(path), isInputError('corrupt', path));
});

test('truncated PNG raises ImageInputError', async () => {
  const bytes = await readFile(join(PHOTOS, 'coffee.png'));
  const path = join(dir, 'coffee-cut.png');
  await writeFile(path, bytes.subarray(0, 100_000));
  await assert.rejects(decodeImage(path), isInputError('corrupt', path, /truncated or corrupt/));
});

test('30000x30000 image is rejected from its header before decoding', async () => {
  const path = join(dir, 'bomb.png');
  await writeFile(path, pngHeaderOnly(30000, 30000));
  const tooLarge = isInputError('too-large', path, /30000×30000 pixels \(900\.0 megapixels\), above the limit of 100\.0 megapixels/);
  await assert.rejects(inspectImage(path), tooLarge);
  await assert.rejects(decodeImage(path), tooLarge);
  await assert.rejects(preprocessImage(path), tooLarge);
});

test('maxPixels lowers the limit', async () => {
  const path = join(PHOTOS, 'chelsea.png');
  await assert.rejects(decodeImage(path, { maxPixels: 100_000 }), isInputError('too-large', path, /451×300 pixels/));
  assert.equal((await decodeImage(path, { maxPixels: 451 * 300 })).width, 451);
  await assert.rejects(inspectImage(path, { maxPixels: 0 }), (error: unknown) => error instanceof RangeError && /maxPixels/.test(error.message));
});

test('directory path raises ImageInputError', async () => {
  await assert.rejects(inspectImage(dir), isInputError('unreadable', dir, /directory/));
});
