import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { efficiencyOf } from '../../apps/dashboard/src/efficiency.js';

describe('efficiencyOf', () => {
  test('reads both fractions', () => {
    const stored = { visionEncoder: { gflop: 30, achievedGflops: 90, idealMs: 100, fractionOfPeak: 0.4 }, decoderStep: { weightBytes: 1e8, fractionOfBandwidth: 0.25 } };
    assert.deepEqual(efficiencyOf(stored), { visionFractionOfPeak: 0.4, decoderFractionOfBandwidth: 0.25 });
  });

  test('missing or non-numeric fields are absent', () => {
    assert.equal(efficiencyOf(null), null);
    assert.deepEqual(efficiencyOf({ visionEncoder: { fractionOfPeak: 'high' } }), { visionFractionOfPeak: undefined, decoderFractionOfBandwidth: undefined });
    assert.deepEqual(efficiencyOf({ decoderStep: { fractionOfBandwidth: Number.NaN } }), { visionFractionOfPeak: undefined, decoderFractionOfBandwidth: undefined });
  });
});
