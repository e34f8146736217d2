/**
 * Format "sparse" of l1-unstructured pruning on the tiny model: the same captions and logits as the
 * dense-pruned variant, the sparse initializers reported in the build, and the onnxruntime limit
 * that keeps SparseToDenseMatMul out of the graphs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ZodError } from 'zod';

import { loadCaptioner, parseVariant, type Captioner } from '../../models/index.js';
import { loadBlipConfig } from '../../models/blip/config.js';
import { GraphSession } from '../../models/engine/onnx-session.js';
import { ModelError } from '../../models/engine/errors.js';
import { GraphBuilder, MICROSOFT_DOMAIN } from '../../models/onnx/graph-builder.js';
import { DataType } from '../../models/onnx/onnx-proto.js';
import { prunableLinears } from '../../models/variants/pruning/index.js';
import { nonzerosOfTransposed, SPARSE_INITIALIZER_KERNEL } from '../../models/variants/sparse/index.js';
import { SHARED_IMAGES, tinyModelDir } from '../helpers/tiny-model.js';

const IMAGE = join(SHARED_IMAGES, 'chelsea.png');
// Largest |sparse − dense| logit seen on the tiny model was 0 (both graphs run the same fp32 MatMul on the
// same weights after onnxruntime densifies the initializer); the bound leaves room for a change of kernel.
const LOGIT_ATOL = 1e-5;

async function loadPruned(amount: number, format: 'dense' | 'sparse', extra: object = {}): Promise<Captioner> {
  const variant = { pruning: { method: 'l1-unstructured', amount, format, ...extra }, runtime: { threads: 1 } } as const;
  return loadCaptioner({ modelDir: await tinyModelDir(), variant });
}

describe('nonzerosOfTransposed', () => {
  it('lists the nonzeros of Wᵀ in ascending flat order', () => {
    // W is [out 2, in 3]; Wᵀ is [3, 2] = [[1, 0], [0, 4], [-2, 5]].
    const coo = nonzerosOfTransposed(Float32Array.of(1, 0, -2, 0, 4, 5), 2, 3);
    assert.deepEqual(Array.from(coo.values), [1, 4, -2, 5]);
    assert.deepEqual(Array.from(coo.flatIndices, Number), [0, 3, 4, 5]);
  });

  it('rejects a weight whose length is not out × in', () => {
    assert.throws(() => nonzerosOfTransposed(new Float32Array(5), 2, 3), (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /5 elements, expected out × in = 2 × 3/);
      return true;
    });
  });
});

describe('sparse l1-unstructured on the tiny model', () => {
  const opened: Captioner[] = [];
  after(() => Promise.all(opened.map((captioner) => captioner.dispose())));

  async function pair(amount: number, extra: object = {}) {
    const [dense, sparse] = await Promise.all([loadPruned(amount, 'dense', extra), loadPruned(amount, 'sparse', extra)]);
    opened.push(dense, sparse);
    return { dense, sparse };
  }

  for (const amount of [0.5, 0.9]) {
    it(`keeps the dense variant's greedy tokens and logits at ${amount}`, async () => {
      const { dense, sparse } = await pair(amount);
      const expected = await dense.caption(IMAGE);
      const actual = await sparse.caption(IMAGE);
      assert.deepEqual(actual.tokenIds, expected.tokenIds);

      const [denseLogits, sparseLogits] = await Promise.all([dense.teacherForce(IMAGE, expected.tokenIds, 1), sparse.teacherForce(IMAGE, expected.tokenIds, 1)]);
      assert.equal(sparseLogits.length, denseLogits.length);
      let worst = 0;
      for (let i = 0; i < denseLogits.length; i++) worst = Math.max(worst, Math.abs(sparseLogits[i] - denseLogits[i]));
      assert.ok(worst <= LOGIT_ATOL, `largest logit difference ${worst} is above ${LOGIT_ATOL}`);
      assert.deepEqual(sparse.build.sparsity, dense.build.sparsity);
    });
  }

  it('reports every pruned Linear as a sparse initializer', async () => {
    const { sparse } = await pair(0.5);
    const config = loadBlipConfig(sparse.modelDir);
    assert.equal(sparse.build.linearKernels[SPARSE_INITIALIZER_KERNEL], prunableLinears(config, 'all', false).length);
    assert.equal(sparse.build.linearKernels.MatMul, 2, 'the LM head is not pruned by default, so it stays a dense MatMul');
  });

  it('stores only the targeted layers sparse', async () => {
    const { sparse } = await pair(0.5, { targets: 'vision', includeLmHead: true });
    const config = loadBlipConfig(sparse.modelDir);
    assert.equal(sparse.build.linearKernels[SPARSE_INITIALIZER_KERNEL], prunableLinears(config, 'vision', true).length);
    assert.equal(sparse.build.linearKernels.MatMul, prunableLinears(config, 'text', false).length);
  });

  it('shrinks the files at 0.9 and grows them at 0.5', async () => {
    // A COO entry costs 12 bytes (fp32 value, int64 index) against 4 for a dense weight.
    const high = await pair(0.9);
    assert.ok(high.sparse.build.bytesOnDisk < high.dense.build.bytesOnDisk, `${high.sparse.build.bytesOnDisk} vs ${high.dense.build.bytesOnDisk}`);
    const low = await pair(0.5);
    assert.ok(low.sparse.build.bytesOnDisk > low.dense.build.bytesOnDisk, `${low.sparse.build.bytesOnDisk} vs ${low.dense.build.bytesOnDisk}`);
  });
});

describe('onnxruntime sparse MatMul', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blipbench-sparse-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  // If this starts to fail, onnxruntime accepts sparse initializers in SparseToDenseMatMul. Time the op
  // (scripts/sparse/kernel-probe.py, docs/sparse-pruning.md) before using it for format "sparse".
  it('rejects a sparse initializer in SparseToDenseMatMul', async () => {
    const path = join(dir, 'sparse-to-dense.onnx');
    const g = new GraphBuilder('sparse_to_dense', path);
    const x = g.input('x', DataType.FLOAT, [3, 2]);
    const a = g.sparseWeight('a', [2, 3], Float32Array.of(1, 4), BigInt64Array.of(0n, 4n));
    g.output(g.op('SparseToDenseMatMul', [a, x], {}, { domain: MICROSOFT_DOMAIN }), 'y', DataType.FLOAT, [2, 2]);
    g.save();
    await assert.rejects(GraphSession.open(path, { threads: 1, graphOptimization: 'all' }), (error: unknown) => {
      assert.ok(error instanceof ModelError);
      assert.match(error.message, /Type 'tensor\(float\)' of input parameter \(a\) of operator \(SparseToDenseMatMul\)/);
      return true;
    });
  });
});

describe('impossible sparse variants', () => {
  const invalid: [string, object, string][] = [
    ['sparse heads pruning', { pruning: { method: 'heads', amount: 0.25, format: 'sparse' } }, 'pruning.0.format'],
    ['sparse with int8-dynamic', { pruning: { method: 'l1-unstructured', amount: 0.5, format: 'sparse' }, quantization: { method: 'int8-dynamic' } }, 'quantization.method'],
  ];
  for (const [label, spec, field] of invalid) {
    it(`rejects ${label}, naming ${field}`, () => {
      assert.throws(
        () => parseVariant(spec),
        (error: unknown) => {
          assert.ok(error instanceof ZodError, `expected a ZodError, got ${error}`);
          assert.ok(
            error.issues.some((issue) => issue.path.join('.') === field),
            `no issue names ${field}: ${JSON.stringify(error.issues)}`,
          );
          return true;
        },
      );
    });
  }
});
