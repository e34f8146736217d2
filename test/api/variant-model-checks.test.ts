/** Variants that cannot run on the chosen model are rejected with 422 before any job is queued. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestApi, type TestApi } from './helpers/api.js';

describe('variant checks against the model', () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(async () => {
    await t?.close();
  });

  const cases: [string, object, RegExp][] = [
    ['every head pruned', { variants: [{ name: 'no heads', pruning: { method: 'heads', amount: 0.9 } }] }, /pruning\[0\]\.amount 0\.9 removes all 4 vision attention heads/],
    ['block size above the width', { variants: [{ quantization: { method: 'int4-weight-only', blockSize: 128 } }] }, /blockSize 128 does not divide the layer width 64/],
    ['forced length past the positions', { forceNewTokens: 200 }, /forceNewTokens asks for 201 decoder positions, more than the model's 64/],
    ['maxNewTokens past the positions', { variants: [{ decoding: { maxNewTokens: 100 } }] }, /decoding\.maxNewTokens asks for 101 decoder positions/],
    ['a prompt longer than the positions', { variants: [{ prompt: 'a dog '.repeat(70) }] }, /prompt has 140 words/],
  ];
  for (const [label, extra, pattern] of cases) {
    test(`rejects ${label} with 422`, async () => {
      const before = await t.ctx.prisma.job.count();
      const response = await t.request('POST', '/v1/sweeps', { model: 'tiny', images: ['sample:chelsea.png'], ...extra });
      assert.equal(response.status, 422, JSON.stringify(response.body));
      assert.equal(response.body.error.code, 'invalid_variant');
      assert.match(response.body.error.message, pattern);
      assert.equal(await t.ctx.prisma.job.count(), before, 'no job was created');
    });
  }

  test('rejects a caption request whose prompt cannot fit', async () => {
    const response = await t.request('POST', '/v1/captions', { model: 'tiny', image: 'sample:chelsea.png', prompt: 'a dog '.repeat(70) });
    assert.equal(response.status, 422, JSON.stringify(response.body));
    assert.match(response.body.error.message, /prompt has 140 words/);
  });

  test('accepts the same variants on a model they fit', async () => {
    const response = await t.request('POST', '/v1/sweeps', { model: 'random-base', images: ['sample:chelsea.png'], variants: [{ pruning: { method: 'heads', amount: 0.9 } }], forceNewTokens: 200 });
    assert.equal(response.status, 202, JSON.stringify(response.body));
  });
});

describe('text the database cannot store', () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(async () => {
    await t?.close();
  });

  test('a NUL in a sweep name is a 400 naming the field', async () => {
    const response = await t.request('POST', '/v1/sweeps', { model: 'tiny', images: ['sample:chelsea.png'], name: 'a\u0000b' });
    assert.equal(response.status, 400, JSON.stringify(response.body));
    assert.match(response.body.error.message, /^body\.name: contains a NUL character/);
  });

  test('a lone surrogate in a history filter is a 400', async () => {
    const response = await t.request('GET', '/v1/history?model=a%00b');
    assert.equal(response.status, 400, JSON.stringify(response.body));
    assert.match(response.body.error.message, /^query\.model/);
  });
});
