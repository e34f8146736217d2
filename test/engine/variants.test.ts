/**
 * Every variant kind builds from the tiny checkpoint, captions, and reports what it is; impossible
 * variants fail before anything is built, naming the field.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ZodError } from 'zod';

import { accuracyAgainstBaseline, loadCaptioner, parseVariant, VariantError } from '../../models/index.js';
import { SHARED_IMAGES, tinyModelDir } from '../helpers/tiny-model.js';

const IMAGE = join(SHARED_IMAGES, 'chelsea.png');

async function captionWith(variant: object) {
  const captioner = await loadCaptioner({ modelDir: await tinyModelDir(), variant: { ...variant, runtime: { threads: 1 } } });
  try {
    return { build: captioner.build, result: await captioner.caption(IMAGE, { maxNewTokens: 5 }) };
  } finally {
    await captioner.dispose();
  }
}

describe('variants on the tiny model', () => {
  const cases: [string, object, string][] = [
    ['int8-dynamic', { quantization: { method: 'int8-dynamic' } }, 'DynamicQuantizeMatMul'],
    ['int8-dynamic per channel', { quantization: { method: 'int8-dynamic', granularity: 'per-channel' } }, 'DynamicQuantizeMatMul'],
    ['int8-weight-only', { quantization: { method: 'int8-weight-only', blockSize: 32 } }, 'MatMulNBits'],
    ['int4-weight-only', { quantization: { method: 'int4-weight-only', blockSize: 16 } }, 'MatMulNBits'],
  ];
  for (const [label, variant, kernel] of cases) {
    it(`${label} builds with ${kernel} and captions`, async () => {
      const { build, result } = await captionWith(variant);
      assert.ok((build.linearKernels[kernel] ?? 0) > 0, `no ${kernel} in ${JSON.stringify(build.linearKernels)}`);
      assert.equal(result.tokenIds.length, 6);
    });
  }

  it('keepFp32 keeps the LM head as MatMul', async () => {
    const { build } = await captionWith({ quantization: { method: 'int8-dynamic', keepFp32: ['lm-head'] } });
    assert.equal(build.linearKernels.MatMul, 2);
  });

  it('l1-unstructured reports the sparsity it reached', async () => {
    const { build } = await captionWith({ pruning: { method: 'l1-unstructured', amount: 0.3 } });
    for (const [layer, sparsity] of Object.entries(build.sparsity.perLayer)) {
      if (layer.includes('cls.predictions')) assert.equal(sparsity, 0, `${layer} is in the LM head and must stay dense`);
      else assert.ok(Math.abs(sparsity - 0.3) < 0.001, `${layer} sparsity ${sparsity}`);
    }
  });

  it('structured pruning shrinks heads, widths and bytes', async () => {
    const dense = await captionWith({});
    const pruned = await captionWith({ pruning: [{ method: 'heads', amount: 0.25 }, { method: 'neurons', amount: 0.5 }] });
    assert.deepEqual(pruned.build.shapes.vision.heads, [3, 3]);
    assert.deepEqual(pruned.build.shapes.text.heads, [3, 3]);
    assert.deepEqual(pruned.build.shapes.text.intermediate, [128, 128]);
    assert.ok(pruned.build.bytesOnDisk < dense.build.bytesOnDisk * 0.85, `${pruned.build.bytesOnDisk} vs ${dense.build.bytesOnDisk}`);
  });

  it('a built variant is reused from the model store', async () => {
    const first = await captionWith({ quantization: { method: 'int8-dynamic' }, decoding: { strategy: 'beam', numBeams: 2 } });
    assert.equal(first.build.reused, true, 'the int8-dynamic graphs were built by an earlier test and decoding does not change them');
    const folders = readdirSync(join(await tinyModelDir(), 'variants'));
    assert.ok(folders.every((name) => !name.includes('.partial') && !name.endsWith('.lock')), `leftovers: ${folders.join(', ')}`);
  });

  it('concurrent loads of one new variant build it once', async () => {
    const modelDir = await tinyModelDir();
    const variant = { quantization: { method: 'int8-dynamic' }, pruning: { method: 'l1-unstructured', amount: 0.1 }, runtime: { threads: 1 } } as const;
    const loaded = await Promise.all([loadCaptioner({ modelDir, variant }), loadCaptioner({ modelDir, variant })]);
    assert.deepEqual(loaded.map((c) => c.build.reused).sort(), [false, true]);
    assert.ok(existsSync(join(loaded[0].build.dir, 'variant.json')));
    await Promise.all(loaded.map((c) => c.dispose()));
  });

  it('int8-dynamic drift against the baseline is small', async () => {
    const modelDir = await tinyModelDir();
    const baseline = await loadCaptioner({ modelDir, variant: { runtime: { threads: 1 } } });
    const variant = await loadCaptioner({ modelDir, variant: { quantization: { method: 'int8-dynamic' }, runtime: { threads: 1 } } });
    try {
      const caption = await variant.caption(IMAGE);
      const accuracy = await accuracyAgainstBaseline(baseline, variant, IMAGE, caption, 1);
      assert.equal(accuracy.positions, 20);
      assert.ok(accuracy.top1Agreement >= 0.9, `top-1 agreement ${accuracy.top1Agreement}`);
      assert.ok(accuracy.meanKl >= 0, `mean KL ${accuracy.meanKl} is negative`);
      assert.ok(accuracy.meanKl < 0.1, `mean KL ${accuracy.meanKl}`);
      const self = await accuracyAgainstBaseline(baseline, baseline, IMAGE, await baseline.caption(IMAGE), 1);
      assert.equal(self.top1Agreement, 1);
      assert.equal(self.meanKl, 0);
      assert.equal(self.exactMatch, true);
    } finally {
      await Promise.all([baseline.dispose(), variant.dispose()]);
    }
  });
});

describe('impossible variants', () => {
  const invalid: [string, object, string][] = [
    ['amount above 0.95', { pruning: { method: 'l1-unstructured', amount: 0.96 } }, 'pruning.amount'],
    ['negative amount', { pruning: { method: 'heads', amount: -0.1 } }, 'pruning.amount'],
    ['unknown quantization', { quantization: { method: 'int3' } }, 'quantization.method'],
    ['odd block size', { quantization: { method: 'int4-weight-only', blockSize: 24 } }, 'quantization.blockSize'],
    ['beam width above the limit', { decoding: { strategy: 'beam', numBeams: 64 } }, 'decoding.numBeams'],
    ['numBeams without beam strategy', { decoding: { numBeams: 4 } }, 'decoding.numBeams'],
    ['scope global on heads', { pruning: { method: 'heads', amount: 0.2, scope: 'global' } }, 'pruning.0.scope'],
    ['unknown field', { quantisation: { method: 'int8-dynamic' } }, 'quantisation'],
  ];
  for (const [label, spec, field] of invalid) {
    it(`rejects ${label}, naming ${field}`, () => {
      assert.throws(
        () => parseVariant(spec),
        (error: unknown) => {
          assert.ok(error instanceof ZodError, `expected a ZodError, got ${error}`);
          const named = error.issues.some((issue) => [...issue.path, ...('keys' in issue ? (issue.keys as string[]) : [])].join('.').includes(field.split('.').pop()!));
          assert.ok(named, `no issue names ${field}: ${JSON.stringify(error.issues)}`);
          return true;
        },
      );
    });
  }

  it('rejects pruning every head of a layer', async () => {
    await assert.rejects(loadCaptioner({ modelDir: await tinyModelDir(), variant: { pruning: { method: 'heads', amount: 0.9 } } }), (error: unknown) => {
      assert.ok(error instanceof VariantError);
      assert.match(error.message, /removes all 4 attention heads/);
      return true;
    });
  });

  it('rejects a block size that does not divide a width of the model', async () => {
    await assert.rejects(loadCaptioner({ modelDir: await tinyModelDir(), variant: { quantization: { method: 'int4-weight-only', blockSize: 128 } } }), (error: unknown) => {
      assert.ok(error instanceof VariantError);
      assert.match(error.message, /blockSize 128 does not divide the layer width 64/);
      return true;
    });
  });

  it('rejects a prompt longer than the positions', async () => {
    const captioner = await loadCaptioner({ modelDir: await tinyModelDir(), variant: { runtime: { threads: 1 } } });
    try {
      await assert.rejects(captioner.caption(IMAGE, { prompt: 'a dog '.repeat(60) }), (error: unknown) => {
        assert.ok(error instanceof VariantError);
        assert.match(error.message, /more than the model's 64 positions/);
        return true;
      });
    } finally {
      await captioner.dispose();
    }
  });
});

describe('int8 kernels', () => {
  it('MatMulInteger and DynamicQuantizeMatMul give the same greedy caption on the tiny model', async () => {
    const fused = await captionWith({ quantization: { method: 'int8-dynamic' } });
    const standard = await captionWith({ quantization: { method: 'int8-dynamic', int8Kernel: 'MatMulInteger' } });
    assert.ok((standard.build.linearKernels.MatMulInteger ?? 0) > 0);
    assert.deepEqual(standard.result.tokenIds, fused.result.tokenIds);
  });
});
