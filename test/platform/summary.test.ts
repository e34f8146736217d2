import assert from 'node:assert/strict';
import { test } from 'node:test';

import { percentile, safeRatio, summarizeRuns } from '../../apps/platform/stats/summary.js';

test('summary of one run has zero spread', () => {
  const summary = summarizeRuns([12.5]);
  assert.deepEqual(summary, { mean: 12.5, median: 12.5, p90: 12.5, p99: 12.5, min: 12.5, max: 12.5, std: 0 });
});

test('summary matches numpy on known values', () => {
  // numpy: mean 3.0, median 3.0, percentile 90 -> 4.6, 99 -> 4.96, std(ddof=1) -> 1.5811388300841898
  const summary = summarizeRuns([5, 1, 4, 2, 3]);
  assert.equal(summary.mean, 3);
  assert.equal(summary.median, 3);
  assert.ok(Math.abs(summary.p90 - 4.6) < 1e-12);
  assert.ok(Math.abs(summary.p99 - 4.96) < 1e-12);
  assert.ok(Math.abs(summary.std - 1.5811388300841898) < 1e-12);
  assert.equal(summary.min, 1);
  assert.equal(summary.max, 5);
});

test('summary values are always finite', () => {
  for (const runs of [[0], [0, 0], [1e-9, 1e9], [7, 7, 7, 7]]) {
    for (const [name, value] of Object.entries(summarizeRuns(runs))) {
      assert.ok(Number.isFinite(value), `${name} of ${runs.join(',')} is ${value}`);
    }
  }
});

test('summary rejects empty and non-finite runs', () => {
  assert.throws(() => summarizeRuns([]), RangeError);
  assert.throws(() => summarizeRuns([1, Number.NaN]), /run 1 has a non-finite time/);
  assert.throws(() => summarizeRuns([Number.POSITIVE_INFINITY]), /run 0/);
});

test('percentile rejects p outside 0..100', () => {
  assert.throws(() => percentile([1], 101), /outside \[0, 100\]/);
});

test('safe ratio returns null for a missing or zero baseline', () => {
  assert.equal(safeRatio(10, 5), 2);
  assert.equal(safeRatio(null, 5), null);
  assert.equal(safeRatio(10, 0), null);
  assert.equal(safeRatio(10, Number.NaN), null);
});
