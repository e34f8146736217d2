import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SafetensorsFile, TorchBinFile, writeSafetensors } from '../../models/checkpoint/index.js';
import { fetchFromHub, HubSourceError, type DownloadProgress, type FetchFromHubOptions } from '../../models/sources/hub.js';
import { createProgressBar } from '../../models/sources/progress-bar.js';
import { startFakeHub, type FakeHub, type FakeRepo } from './hub-server.js';

const BLIP_CONFIG = JSON.stringify({ architectures: ['BlipForConditionalGeneration'], model_type: 'blip' });
const PREPROCESSOR = JSON.stringify({ image_size: 384, do_normalize: true });
const TOKENIZER_CONFIG = JSON.stringify({ do_lower_case: true });
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'a', 'picture', 'of'].join('\n') + '\n';

let hub: FakeHub;
let dir: string;
let safetensorsBytes: Buffer;
let binBytes: Buffer;

/** Writes a small BLIP-like checkpoint: a few tensors under the real names, about 20 KB. */
async function syntheticCheckpoint(path: string): Promise<Buffer> {
  const values = (count: number) => Float32Array.from({ length: count }, (_, i) => Math.sin(i) * 0.02);
  await writeSafetensors(path, [
    { name: 'vision_model.embeddings.class_embedding', dtype: 'F32', shape: [1, 1, 32], data: values(32) },
    { name: 'vision_model.embeddings.patch_embedding.weight', dtype: 'F32', shape: [32, 3, 4, 4], data: values(1536) },
    { name: 'text_decoder.bert.embeddings.word_embeddings.weight', dtype: 'F32', shape: [100, 32], data: values(3200) },
    { name: 'text_decoder.cls.predictions.bias', dtype: 'F32', shape: [100], data: values(100) },
  ]);
  return readFile(path);
}

function repoWith(weights: Record<string, Buffer>, config = BLIP_CONFIG): FakeRepo {
  const files = new Map<string, Buffer>([
    ['config.json', Buffer.from(config)],
    ['preprocessor_config.json', Buffer.from(PREPROCESSOR)],
    ['tokenizer_config.json', Buffer.from(TOKENIZER_CONFIG)],
    ['vocab.txt', Buffer.from(VOCAB)],
    ['README.md', Buffer.from('# test repo\n')],
    ...Object.entries(weights),
  ]);
  return { files, lfs: new Set(Object.keys(weights)) };
}

function options(outName: string, extra: Partial<FetchFromHubOptions> = {}): FetchFromHubOptions {
  return { repo: 'test/blip-safetensors', outDir: join(dir, outName), hubUrl: hub.url, retryDelayMs: 0, ...extra };
}

async function assertRejectsWith(promise: Promise<unknown>, ...patterns: RegExp[]): Promise<HubSourceError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof HubSourceError, `expected HubSourceError, got ${String(caught)}`);
  for (const pattern of patterns) assert.match(caught.message, pattern);
  return caught;
}

async function siblings(name: string): Promise<string[]> {
  return (await readdir(dir)).filter((entry) => entry.startsWith(name));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hub-test-'));
  safetensorsBytes = await syntheticCheckpoint(join(dir, 'source.safetensors'));
  binBytes = await readFile('test/fixtures/checkpoint/small.bin');
  hub = await startFakeHub();
});
after(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  hub.repos.clear();
  hub.repos.set('test/blip-safetensors', repoWith({ 'model.safetensors': safetensorsBytes }));
  hub.repos.set('test/blip-bin', repoWith({ 'pytorch_model.bin': binBytes }));
  hub.repos.set('test/bert', repoWith({ 'model.safetensors': safetensorsBytes }, JSON.stringify({ architectures: ['BertModel'] })));
  hub.requests.length = 0;
  hub.dropAfter.clear();
  hub.corrupt.clear();
});

describe('fetchFromHub', () => {
  test('downloads a safetensors repository', async () => {
    const progress: DownloadProgress[] = [];
    const result = await fetchFromHub(options('safetensors', { onProgress: (report) => progress.push(report) }));
    const outDir = join(dir, 'safetensors');

    assert.equal(result.weightsSource, 'model.safetensors');
    assert.equal(result.conversion, undefined);
    assert.deepEqual(result.files, ['config.json', 'preprocessor_config.json', 'tokenizer_config.json', 'vocab.txt', 'model.safetensors']);
    assert.deepEqual((await readdir(outDir)).sort(), [...result.files].sort());
    assert.deepEqual(await readFile(join(outDir, 'model.safetensors')), safetensorsBytes);
    assert.equal(await readFile(join(outDir, 'vocab.txt'), 'utf8'), VOCAB);
    assert.deepEqual(await siblings('safetensors'), ['safetensors'], 'no staging directory is left');

    const last = progress.filter((report) => report.file === 'model.safetensors').at(-1);
    assert.deepEqual(last, { file: 'model.safetensors', bytes: safetensorsBytes.length, total: safetensorsBytes.length });
    // Routes @huggingface/hub's listFiles requests, then one plain download per file.
    assert.equal(hub.requests[0].url, '/api/models/test/blip-safetensors/tree/main?recursive=false&expand=false');
    assert.deepEqual(
      hub.requests.slice(1).map((request) => request.url),
      result.files.map((file) => `/test/blip-safetensors/resolve/main/${file}`),
    );
  });

  test('converts a repository that has only pytorch_model.bin', async () => {
    const result = await fetchFromHub(options('from-bin', { repo: 'test/blip-bin' }));
    const outDir = join(dir, 'from-bin');

    assert.equal(result.weightsSource, 'pytorch_model.bin');
    assert.deepEqual(result.conversion?.dropped, ['text_decoder.bert.embeddings.position_ids']);
    assert.ok(!(await readdir(outDir)).includes('pytorch_model.bin'), 'the .bin is deleted after conversion');
    const converted = SafetensorsFile.open(join(outDir, 'model.safetensors'));
    const source = TorchBinFile.open('test/fixtures/checkpoint/small.bin');
    assert.equal(converted.names().length, source.names().length - 1);
    for (const name of converted.names()) assert.deepEqual(converted.bytes(name), source.bytes(name), name);
  });

  test('resumes after the connection drops mid-file', async () => {
    hub.dropAfter.set('model.safetensors', { bytes: 4096, times: 2 });
    await fetchFromHub(options('resumed'));

    assert.deepEqual(await readFile(join(dir, 'resumed', 'model.safetensors')), safetensorsBytes);
    const ranges = hub.requests.filter((request) => request.url.endsWith('/model.safetensors')).map((request) => request.range);
    assert.equal(ranges.length, 3);
    assert.equal(ranges[0], undefined);
    const starts = ranges.slice(1).map((range) => Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1]));
    assert.ok(starts[0] > 0, `first resume starts past 0: ${ranges.join(', ')}`);
    assert.ok(starts[1] > starts[0], `second resume starts further on: ${ranges.join(', ')}`);
  });

  test('keeps the partial download when retries run out, and a rerun resumes it', async () => {
    hub.dropAfter.set('model.safetensors', { bytes: 4096, times: 2 });
    const error = await assertRejectsWith(fetchFromHub(options('flaky', { maxAttempts: 2 })), /model\.safetensors failed after 2 attempts/, /resumes/);
    assert.equal(error.retryable, true);
    assert.deepEqual(await siblings('flaky'), [`flaky.partial-${process.pid}`], 'no model directory, only the staging one');

    hub.requests.length = 0;
    await fetchFromHub(options('flaky'));
    assert.deepEqual(await readFile(join(dir, 'flaky', 'model.safetensors')), safetensorsBytes);
    const rerun = hub.requests.filter((request) => request.url.endsWith('/model.safetensors'));
    assert.equal(rerun.length, 1);
    assert.match(rerun[0].range ?? '', /^bytes=[1-9]\d*-$/);
    assert.ok(!hub.requests.some((request) => request.url.endsWith('/config.json') && request.url.includes('resolve')), 'verified files are not downloaded again');
  });

  test('takes over the staging directory of an exited fetch', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    const staging = join(dir, `adopted.partial-${exited}`);
    await mkdir(join(staging, '.partial'), { recursive: true });
    await writeFile(join(staging, '.partial', 'model.safetensors'), safetensorsBytes.subarray(0, 5000));

    await fetchFromHub(options('adopted'));
    assert.deepEqual(await readFile(join(dir, 'adopted', 'model.safetensors')), safetensorsBytes);
    assert.equal(hub.requests.find((request) => request.url.endsWith('/model.safetensors'))?.range, 'bytes=5000-');
    assert.deepEqual(await siblings('adopted'), ['adopted']);
  });

  test('rejects a file whose sha256 does not match', async () => {
    hub.corrupt.add('model.safetensors');
    await assertRejectsWith(fetchFromHub(options('corrupt')), /model\.safetensors from the hub is corrupt: sha256 is [0-9a-f]{64}, expected [0-9a-f]{64}/);
    assert.deepEqual(await siblings('corrupt'), [], 'neither the model directory nor the staging directory remains');
  });

  test('rejects a small file whose git blob id does not match', async () => {
    hub.corrupt.add('vocab.txt');
    await assertRejectsWith(fetchFromHub(options('corrupt-vocab')), /vocab\.txt from the hub is corrupt: git blob id/);
  });

  test('sends HF_TOKEN as a bearer header and honours HF_ENDPOINT', async () => {
    const repo = repoWith({ 'model.safetensors': safetensorsBytes });
    repo.token = 'hf_testtoken';
    hub.repos.set('test/private', repo);
    const saved = { token: process.env.HF_TOKEN, endpoint: process.env.HF_ENDPOINT };
    try {
      delete process.env.HF_TOKEN;
      process.env.HF_ENDPOINT = hub.url;
      await assertRejectsWith(fetchFromHub({ repo: 'test/private', outDir: join(dir, 'private') }), /Access to test\/private@main .* denied \(HTTP 401\)/, /HF_TOKEN/);

      process.env.HF_TOKEN = 'hf_testtoken';
      hub.requests.length = 0;
      await fetchFromHub({ repo: 'test/private', outDir: join(dir, 'private'), retryDelayMs: 0 });
    } finally {
      restoreEnv('HF_TOKEN', saved.token);
      restoreEnv('HF_ENDPOINT', saved.endpoint);
    }
    assert.ok(hub.requests.length >= 6);
    for (const request of hub.requests) assert.equal(request.authorization, 'Bearer hf_testtoken', request.url);
    assert.deepEqual(await readFile(join(dir, 'private', 'model.safetensors')), safetensorsBytes);
  });

  test('reports a missing repository clearly', async () => {
    await assertRejectsWith(fetchFromHub(options('missing', { repo: 'nobody/no-such-model' })), /Repository nobody\/no-such-model@main on http:\/\/127\.0\.0\.1:\d+ was not found \(HTTP 404/);
    assert.deepEqual(await siblings('missing'), []);
  });

  test('reports a missing revision clearly', async () => {
    await assertRejectsWith(fetchFromHub(options('norev', { revision: 'v9' })), /test\/blip-safetensors@v9 .* not found/);
  });

  test('refuses a repository that is not BLIP captioning', async () => {
    await assertRejectsWith(fetchFromHub(options('bert', { repo: 'test/bert' })), /not a BLIP captioning model/, /\["BertModel"\]/);
    assert.ok(!hub.requests.some((request) => request.url.endsWith('/model.safetensors')), 'weights are not downloaded');
    assert.deepEqual(await siblings('bert'), []);
  });

  test('refuses a repository without weights or configs', async () => {
    const noWeights = repoWith({});
    hub.repos.set('test/empty', noWeights);
    await assertRejectsWith(fetchFromHub(options('empty', { repo: 'test/empty' })), /has neither model\.safetensors nor pytorch_model\.bin/);
    noWeights.files.delete('preprocessor_config.json');
    await assertRejectsWith(fetchFromHub(options('empty', { repo: 'test/empty' })), /has no preprocessor_config\.json/);
  });

  test('keeps an existing directory unless overwrite is set', async () => {
    const outDir = join(dir, 'existing');
    await mkdir(outDir);
    await writeFile(join(outDir, 'old.txt'), 'old');
    await assertRejectsWith(fetchFromHub(options('existing')), /already exists/);
    assert.deepEqual(await readdir(outDir), ['old.txt']);

    await fetchFromHub(options('existing', { overwrite: true }));
    assert.ok(!(await readdir(outDir)).includes('old.txt'));
    assert.deepEqual(await readFile(join(outDir, 'model.safetensors')), safetensorsBytes);
  });

  test('validates its options', async () => {
    await assertRejectsWith(fetchFromHub(options('bad', { repo: 'not a repo' })), /repo "not a repo" is not a model repository id/);
    await assertRejectsWith(fetchFromHub(options('bad', { accessToken: 'secret' })), /must start with "hf_"/);
    await assertRejectsWith(fetchFromHub(options('bad', { maxAttempts: 0 })), /maxAttempts is 0/);
    await assertRejectsWith(fetchFromHub(options('bad', { hubUrl: 'not a url' })), /hubUrl .* is not a URL/);
    await assertRejectsWith(fetchFromHub({ outDir: '' }), /outDir is required/);
  });
});

test('progress bar draws each file on its stream', () => {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  Object.assign(output, { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  const bar = createProgressBar(output);
  bar.update({ file: 'config.json', bytes: 10, total: 10 });
  bar.update({ file: 'model.safetensors', bytes: 0, total: 4 * 1024 * 1024 });
  bar.update({ file: 'model.safetensors', bytes: 4 * 1024 * 1024, total: 4 * 1024 * 1024 });
  bar.stop();
  assert.match(text, /config\.json/);
  assert.match(text, /model\.safetensors .*100% \| 4\.0\/4\.0 MiB/);
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
