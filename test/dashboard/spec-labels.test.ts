import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { BASELINE_VARIANT, parseVariant, variantHash } from '../../models/variants/spec.js';
import { differingPaths, flattenSpec, pruningAmount, seriesOf, variantLabels } from '../../apps/dashboard/src/spec.js';

const int8 = parseVariant({ quantization: { method: 'int8-dynamic' } });
const pruned = parseVariant({ quantization: { method: 'int8-dynamic' }, pruning: { method: 'l1-unstructured', amount: 0.3 } });
const beam = parseVariant({ quantization: { method: 'int8-dynamic' }, decoding: { strategy: 'beam', numBeams: 3 } });
const ref = (spec: ReturnType<typeof parseVariant>) => ({ variantHash: variantHash(spec), name: spec.name ?? null, spec });

describe('variant specs for people', () => {
  test('flattenSpec writes dotted paths', () => {
    const fields = flattenSpec(pruned);
    assert.equal(fields.get('quantization.method'), 'int8-dynamic');
    assert.equal(fields.get('pruning[0].amount'), '0.3');
    assert.equal(fields.get('runtime.kvCache'), 'true');
    assert.equal(flattenSpec(int8).get('pruning'), 'none');
  });

  test('differingPaths lists only differences', () => {
    assert.deepEqual(differingPaths([int8, int8]), []);
    const paths = differingPaths([BASELINE_VARIANT, int8]);
    assert.deepEqual(paths, ['quantization.method']);
    assert.ok(differingPaths([int8, pruned]).includes('pruning[0].amount'));
    assert.ok(!differingPaths([int8, pruned]).includes('quantization.method'));
  });

  test('labels name what differs', () => {
    const labels = variantLabels([ref(BASELINE_VARIANT), ref(int8), ref(pruned)]);
    assert.equal(labels.get(variantHash(BASELINE_VARIANT)), 'baseline');
    assert.equal(labels.get(variantHash(int8)), 'int8-dynamic · dense');
    assert.equal(labels.get(variantHash(pruned)), 'int8-dynamic · l1-unstructured 30%');
  });

  test('repeated labels get the hash', () => {
    const perChannel = parseVariant({ quantization: { method: 'int8-dynamic', granularity: 'per-channel' }, name: 'int8' });
    const perTensor = parseVariant({ quantization: { method: 'int8-dynamic' }, name: 'int8' });
    const labels = variantLabels([ref(perChannel), ref(perTensor)]);
    assert.notEqual(labels.get(variantHash(perChannel)), labels.get(variantHash(perTensor)));
    assert.match(labels.get(variantHash(perChannel))!, /granularity=per-channel/);
  });

  test('series separate other differing fields', () => {
    const paths = differingPaths([int8, pruned, beam]);
    assert.equal(seriesOf(int8, paths).name, 'int8-dynamic · dense · numBeams=1 · strategy=greedy');
    assert.equal(seriesOf(pruned, paths).base, seriesOf(int8, paths).base);
    assert.notEqual(seriesOf(beam, paths).base, seriesOf(int8, paths).base);
    assert.equal(pruningAmount(pruned), 0.3);
    assert.equal(pruningAmount(int8), 0);
  });
});
