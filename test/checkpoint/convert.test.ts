import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, SafetensorsFile, TorchBinFile, convertTorchBinToSafetensors } from '../../models/checkpoint/index.js';

const FIXTURES = 'test/fixtures/checkpoint';
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convert-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('conversion keeps every tensor byte for byte', async () => {
  const out = join(dir, 'model.safetensors');
  const result = await convertTorchBinToSafetensors(join(FIXTURES, 'small.bin'), out);
  const bin = TorchBinFile.open(join(FIXTURES, 'small.bin'));
  const converted = SafetensorsFile.open(out);

  assert.deepEqual(result.dropped, ['text_decoder.bert.embeddings.position_ids']);
  assert.deepEqual(result.skipped, []);
  assert.equal(result.tensors, bin.names().length - 1);
  assert.deepEqual(converted.metadata, { format: 'pt' });
  assert.deepEqual(new Set(converted.names()), new Set(bin.names().filter((name) => !result.dropped.includes(name))));
  for (const name of converted.names()) {
    assert.deepEqual(converted.info(name), bin.info(name), name);
    assert.deepEqual(converted.bytes(name), bin.bytes(name), name);
  }
  // The transposed and windowed tensors come out contiguous.
  assert.deepEqual([...converted.float32('shared.window')], [7, 8, 12, 13]);
});

test('conversion of an unsafe file writes nothing', async () => {
  const out = join(dir, 'unsafe.safetensors');
  await assert.rejects(convertTorchBinToSafetensors(join(FIXTURES, 'malicious.bin'), out), (error: unknown) => error instanceof CheckpointError && /os\.system/.test(error.message));
  assert.ok(!(await readdir(dir)).some((name) => name.startsWith('unsafe')));
});
