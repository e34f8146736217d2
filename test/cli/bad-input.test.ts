/**
 * `blipbench` with bad input: each case prints one error line naming the file and what is wrong,
 * exits non-zero, and leaves no partial model or variant folder behind.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

import { writeSafetensors } from '../../models/checkpoint/index.js';
import { SHARED_IMAGES, tinyModelDir } from '../helpers/tiny-model.js';
import { pngHeaderOnly } from '../preprocess/fixtures.js';

const BIN = join(import.meta.dirname, '..', '..', 'apps', 'cli', 'bin', 'blipbench.js');
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'blipbench-cli-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

async function blipbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

function assertOneErrorLine(result: { code: number; stderr: string }, ...patterns: RegExp[]) {
  assert.notEqual(result.code, 0, 'exit code');
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one error line, got:\n${result.stderr}`);
  for (const pattern of patterns) assert.match(lines[0], pattern);
}

/** A copy of the tiny model whose checkpoint or config a test then breaks. */
async function brokenModel(name: string): Promise<string> {
  const dir = join(scratch, name);
  cpSync(await tinyModelDir(), dir, { recursive: true, filter: (path) => !path.includes('variants') });
  return dir;
}

describe('blipbench caption with bad images', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a missing file', () => join(scratch, 'nope.png'), /not found|missing|no such/i],
    ['a zero-byte file', () => (writeFileSync(join(scratch, 'empty.png'), ''), join(scratch, 'empty.png')), /empty|zero/i],
    ['a text file', () => (writeFileSync(join(scratch, 'notes.png'), 'this is not an image\n'), join(scratch, 'notes.png')), /not an image|unsupported|format/i],
    [
      'a truncated JPEG',
      () => {
        const bytes = readFileSync(join(SHARED_IMAGES, 'rocket.jpg'));
        writeFileSync(join(scratch, 'cut.jpg'), bytes.subarray(0, Math.floor(bytes.length / 2)));
        return join(scratch, 'cut.jpg');
      },
      /truncated|corrupt|premature|damaged/i,
    ],
    [
      'a 30000x30000 image',
      () => {
        // 68 bytes claiming 30000×30000 pixels: the limit must trigger before any pixel is decoded.
        writeFileSync(join(scratch, 'bomb.png'), pngHeaderOnly(30000, 30000));
        return join(scratch, 'bomb.png');
      },
      /too large|pixels|limit/i,
    ],
  ];
  for (const [label, makeFile, pattern] of cases) {
    it(`reports ${label} in one line naming the file`, async () => {
      const file = makeFile();
      const result = await blipbench('caption', '--model', await tinyModelDir(), file);
      assertOneErrorLine(result, pattern, new RegExp(file.split('/').pop()!.replace('.', '\\.')));
    });
  }
});

describe('blipbench caption with bad models', () => {
  it('reports a missing tensor, naming the file and tensor', async () => {
    const dir = await brokenModel('missing-tensor');
    await writeSafetensors(join(dir, 'model.safetensors'), [{ name: 'vision_model.post_layernorm.weight', dtype: 'F32', shape: [64], data: new Float32Array(64) }]);
    const result = await blipbench('caption', '--model', dir, join(SHARED_IMAGES, 'chelsea.png'));
    assertOneErrorLine(result, /model\.safetensors/, /missing tensor/);
    assert.deepEqual(readdirSync(join(dir, 'variants')), [], 'no partial variant left behind');
  });

  it('reports a mis-shaped tensor with both shapes', async () => {
    const dir = await brokenModel('bad-shape');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    config.vision_config.hidden_size = 32;
    config.vision_config.num_attention_heads = 2;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const result = await blipbench('caption', '--model', dir, join(SHARED_IMAGES, 'chelsea.png'));
    assertOneErrorLine(result, /model\.safetensors/, /has shape \[.*\], expected \[.*\]/);
  });

  it('reports an unknown architecture in config.json', async () => {
    const dir = await brokenModel('unknown-architecture');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    config.architectures = ['BlipForQuestionAnswering'];
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const result = await blipbench('caption', '--model', dir, join(SHARED_IMAGES, 'chelsea.png'));
    assertOneErrorLine(result, /config\.json/, /unknown architecture/, /BlipForQuestionAnswering/);
  });

  it('reports a directory that is not a model', async () => {
    const result = await blipbench('caption', '--model', scratch, join(SHARED_IMAGES, 'chelsea.png'));
    assertOneErrorLine(result, /config\.json/);
  });
});

describe('blipbench model build', () => {
  it('refuses to overwrite an existing directory', async () => {
    const result = await blipbench('model', 'build', '--preset', 'tiny', '--out', await tinyModelDir());
    assertOneErrorLine(result, /already exists/, /--force/);
  });

  it('rejects an unknown preset before writing anything', async () => {
    const out = join(scratch, 'never-built');
    const result = await blipbench('model', 'build', '--preset', 'huge', '--out', out);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /tiny, random-base/);
    assert.equal(existsSync(out), false);
    assert.ok(readdirSync(scratch).every((name) => !name.startsWith('never-built')), 'no partial folder');
  });

  it('leaves no partial folder when the output cannot be written', async () => {
    writeFileSync(join(scratch, 'a-file'), '');
    const result = await blipbench('model', 'build', '--preset', 'tiny', '--out', join(scratch, 'a-file', 'model'));
    assertOneErrorLine(result, /a-file/);
    assert.ok(readdirSync(scratch).every((name) => !name.includes('partial')), `leftovers: ${readdirSync(scratch).join(', ')}`);
  });
});

describe('blipbench caption output', () => {
  it('prints one JSON object per image with the documented keys', async () => {
    const result = await blipbench('caption', '--model', await tinyModelDir(), '--json', join(SHARED_IMAGES, 'chelsea.png'), join(SHARED_IMAGES, 'coffee.png'));
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 2);
    for (const line of lines) {
      assert.deepEqual(Object.keys(line).sort(), ['caption', 'image', 'timingsMs', 'tokenIds']);
      assert.deepEqual(Object.keys(line.timingsMs).sort(), ['decoder', 'decoderPerToken', 'preprocess', 'total', 'visionEncoder']);
      assert.equal(line.tokenIds[0], 1000, 'starts with [DEC]');
    }
  });

  it('captions the good images and fails on the bad one', async () => {
    const result = await blipbench('caption', '--model', await tinyModelDir(), '--json', join(SHARED_IMAGES, 'chelsea.png'), join(scratch, 'nope.png'));
    assert.equal(result.code, 1);
    assert.equal(result.stdout.trim().split('\n').length, 1);
    assert.match(result.stderr, /nope\.png/);
  });
});
