import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { startTestApi, type TestApi } from './helpers/api.js';

const CHELSEA = readFileSync('../shared/data/images/chelsea.png');
// Uploaded by one test only, so its first upload is new.
const PALETTE = readFileSync('../shared/data/images/palette_color.png');

describe('API bad input', () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi({ BLIPBENCH_MAX_GRID_VARIANTS: '4', BLIPBENCH_MAX_SWEEP_JOBS: '10', BLIPBENCH_MAX_UPLOAD_BYTES: String(CHELSEA.length + 10) });
  });
  after(async () => {
    await t.close();
  });

  const sweep = (fields: Record<string, unknown>) => t.request('POST', '/v1/sweeps', { model: 'tiny', images: ['sample:chelsea.png'], ...fields });

  test('malformed JSON is a 400 naming the body', async () => {
    const response = await t.request('POST', '/v1/sweeps', '{"model": "tiny",');
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_json');
    assert.match(response.body.error.message, /^body: malformed JSON/);
  });

  test('unknown field is rejected with the accepted fields', async () => {
    const response = await sweep({ colour: 'red' });
    assert.equal(response.status, 400);
    assert.match(response.body.error.message, /body: unknown field "colour"; accepted fields: name, model, kind, images/);
    assert.deepEqual(response.body.error.issues.map((issue: { path: string }) => issue.path), ['body']);
  });

  test('unknown nested variant field names its path', async () => {
    const response = await sweep({ variants: [{ quantization: { method: 'int8-dynamic', bits: 8 } }] });
    assert.equal(response.status, 400);
    assert.match(response.body.error.message, /body\.variants\[0\]\.quantization: unknown field "bits"/);
  });

  for (const runs of [0, 1001, 2.5]) {
    test(`runs ${runs} is outside 1..1000`, async () => {
      const response = await sweep({ runs });
      assert.equal(response.status, 400);
      assert.match(response.body.error.message, /body\.runs: /);
    });
  }

  test('pruning amount above 0.95 names the field', async () => {
    const response = await sweep({ variants: [{ pruning: { method: 'l1-unstructured', amount: 0.99 } }] });
    assert.equal(response.status, 400);
    assert.match(response.body.error.message, /body\.variants\[0\]\.pruning\.amount: amount must be in \[0, 0\.95\]/);
  });

  test('grid past the configured limit is a 422', async () => {
    const response = await sweep({ grid: { quantization: ['none', 'int8-dynamic'], pruning: { method: ['none', 'l1-unstructured'], amount: [0.1, 0.3] } } });
    assert.equal(response.status, 422);
    assert.equal(response.body.error.code, 'grid_too_large');
    assert.match(response.body.error.message, /grid expands to 6 variants, above the limit of 4 \(BLIPBENCH_MAX_GRID_VARIANTS\)/);
  });

  test('sweep past the job limit is a 422', async () => {
    const response = await sweep({ images: ['sample:chelsea.png', 'sample:coffee.png', 'sample:rocket.jpg'], grid: { quantization: ['none', 'int8-dynamic', 'int8-weight-only', 'int4-weight-only'] } });
    assert.equal(response.status, 422);
    assert.match(response.body.error.message, /sweep plans 12 jobs \(4 variants × 3 images\), above the limit of 10/);
  });

  test('unknown model is a 404 listing the models', async () => {
    const response = await sweep({ model: 'blip-huge' });
    assert.equal(response.status, 404);
    assert.match(response.body.error.message, /model: unknown model "blip-huge"; registered models: .*tiny/);
  });

  test('unknown image id is a 404 naming its index', async () => {
    const response = await sweep({ images: ['sample:chelsea.png', '0123456789abcdef'] });
    assert.equal(response.status, 404);
    assert.match(response.body.error.message, /images\[1\]: unknown image id "0123456789abcdef"/);
  });

  test('unknown sample is a 404 listing the samples', async () => {
    const response = await sweep({ images: ['sample:dog.png'] });
    assert.equal(response.status, 404);
    assert.match(response.body.error.message, /images\[0\]: unknown sample "dog.png"; samples in .*: .*chelsea\.png/);
  });

  test('malformed image reference is a 400', async () => {
    const response = await sweep({ images: ['../etc/passwd'] });
    assert.equal(response.status, 400);
    assert.match(response.body.error.message, /body\.images\[0\]: expected an image id/);
  });

  test('upload that is not an image is rejected', async () => {
    const form = new FormData();
    form.append('image', new Blob([Buffer.from('not an image at all')]), 'notes.txt');
    const response = await t.request('POST', '/v1/images', form);
    assert.ok([415, 422].includes(response.status), `status ${response.status}`);
    assert.match(response.body.error.message, /notes\.txt/);
  });

  test('truncated JPEG upload is a 422', async () => {
    const rocket = readFileSync('../shared/data/images/rocket.jpg');
    const form = new FormData();
    form.append('image', new Blob([rocket.subarray(0, 3000)]), 'cut.jpg');
    const response = await t.request('POST', '/v1/images', form);
    assert.equal(response.status, 422, JSON.stringify(response.body));
    assert.match(response.body.error.message, /cut\.jpg/);
  });

  test('upload above the size limit is a 413', async () => {
    const form = new FormData();
    form.append('image', new Blob([Buffer.concat([CHELSEA, Buffer.alloc(100)])]), 'big.png');
    const response = await t.request('POST', '/v1/images', form);
    assert.equal(response.status, 413);
    assert.match(response.body.error.message, /image: file is larger than the limit of \d+ bytes \(BLIPBENCH_MAX_UPLOAD_BYTES\)/);
  });

  test('upload without a file names the field', async () => {
    const form = new FormData();
    form.append('other', 'x');
    const response = await t.request('POST', '/v1/images', form);
    assert.equal(response.status, 400);
    assert.match(response.body.error.message, /"image"/);
  });

  test('same bytes uploaded twice get the same id', async () => {
    const upload = () => {
      const form = new FormData();
      form.append('image', new Blob([PALETTE]), 'palette_color.png');
      return t.request('POST', '/v1/images', form);
    };
    const first = await upload();
    const second = await upload();
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal(first.body.id, second.body.id);
    assert.deepEqual([first.body.format, first.body.width, first.body.height], ['png', 10, 10]);
    const content = await fetch(`${t.api.url}/v1/images/${first.body.id}/content`);
    assert.equal(content.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), PALETTE);
  });

  test('unknown history filter is rejected', async () => {
    const response = await t.request('GET', '/v1/history?colour=red');
    assert.equal(response.status, 400);
    assert.match(response.body.error.message, /query: unknown field "colour"/);
  });

  test('history amount without pruning is rejected', async () => {
    const response = await t.request('GET', '/v1/history?amount=0.3');
    assert.equal(response.status, 400);
    assert.match(response.body.error.message, /amount: filtering by pruning amount needs pruning/);
  });

  test('sweep id that is not a UUID is a 400', async () => {
    const response = await t.request('GET', '/v1/sweeps/42');
    assert.equal(response.status, 400);
    assert.match(response.body.error.message, /params\.id: expected a UUID/);
  });

  test('unknown route is a 404', async () => {
    const response = await t.request('GET', '/v1/nothing');
    assert.equal(response.status, 404);
  });
});

describe('API key', () => {
  let t: TestApi;
  const key = 'k'.repeat(24);
  before(async () => {
    t = await startTestApi({ BLIPBENCH_API_KEY: key });
  });
  after(async () => {
    await t.close();
  });

  test('requests without the key are a 401', async () => {
    const response = await t.request('GET', '/v1/models');
    assert.equal(response.status, 401);
    assert.match(response.body.error.message, /authorization: Bearer/);
  });

  test('wrong key is a 401', async () => {
    assert.equal((await t.request('GET', '/v1/models', undefined, { authorization: `Bearer ${'x'.repeat(24)}` })).status, 401);
  });

  test('bearer and x-api-key headers are accepted', async () => {
    assert.equal((await t.request('GET', '/v1/models', undefined, { authorization: `Bearer ${key}` })).status, 200);
    assert.equal((await t.request('GET', '/v1/models', undefined, { 'x-api-key': key })).status, 200);
  });

  test('probes stay open', async () => {
    assert.equal((await t.request('GET', '/healthz')).status, 200);
    assert.equal((await t.request('GET', '/readyz')).status, 200);
  });
});
