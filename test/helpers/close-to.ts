/** Element-wise comparison with numpy's allclose rule: |a − b| ≤ atol + rtol·|b|. */
import assert from 'node:assert/strict';

export function assertAllClose(actual: Float32Array, expected: Float32Array, atol: number, rtol: number, what: string): number {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length}, expected ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    worst = Math.max(worst, diff);
    if (!(diff <= atol + rtol * Math.abs(expected[i]))) {
      assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (|diff| ${diff} > ${atol} + ${rtol}·|expected|)`);
    }
  }
  return worst;
}
