/**
 * The hardware graphs compute what they claim (checked on small sizes against JavaScript arithmetic),
 * and measureHardware returns finite positive peaks. Real onnxruntime, small sizes to stay fast.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { buildDynamicQuantizeGemm, buildFp32Gemm, buildMatMulInteger } from '../../models/bench/hardware-graphs.js';
import { measureHardware } from '../../models/bench/index.js';
import { GraphSession, OrtTensor } from '../../models/engine/onnx-session.js';

const dir = mkdtempSync(join(tmpdir(), 'blipbench-hardware-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a graph once on one thread and returns its output y. */
async function run(path: string, feeds: Record<string, InstanceType<typeof OrtTensor>>) {
  const session = await GraphSession.open(path, { threads: 1, graphOptimization: 'all' });
  try {
    return (await session.run(feeds)).y;
  } finally {
    await session.release();
  }
}

function identity(size: number): Float32Array {
  const data = new Float32Array(size * size);
  for (let i = 0; i < size; i++) data[i * size + i] = 1;
  return data;
}

describe('hardware graphs', () => {
  const size = 64;

  it('fp32 GEMM multiplies by its weight', async () => {
    const path = buildFp32Gemm(dir, size, size, size);
    const weight = (await run(path, { a: new OrtTensor('float32', identity(size), [size, size]) })).data as Float32Array;
    const input = Float32Array.from({ length: size * size }, (_, i) => ((i % 7) - 3) / 4);
    const product = (await run(path, { a: new OrtTensor('float32', input, [size, size]) })).data as Float32Array;
    for (const [row, column] of [[0, 0], [5, 17], [63, 63]]) {
      let expected = 0;
      for (let k = 0; k < size; k++) expected += input[row * size + k] * weight[k * size + column];
      assert.ok(Math.abs(product[row * size + column] - expected) < 1e-4, `y[${row}][${column}] = ${product[row * size + column]}, expected ${expected}`);
    }
    assert.ok(weight.some((value) => value !== 0), 'the weight is not all zeros');
  });

  it('int8 GEMMs agree with each other', async () => {
    // MatMulInteger on uint8 ones sums each weight column exactly; DynamicQuantizeMatMul on fp32 ones
    // quantizes them to 255 × (1/255) and applies the weight scale 1/127.
    const integer = (await run(buildMatMulInteger(dir, size, size, size), { a: new OrtTensor('uint8', new Uint8Array(size * size).fill(1), [size, size]) })).data as Int32Array;
    const dynamic = (await run(buildDynamicQuantizeGemm(dir, size, size, size), { a: new OrtTensor('float32', new Float32Array(size * size).fill(1), [size, size]) })).data as Float32Array;
    assert.ok(integer.some((value) => value !== 0), 'the int8 weight is not all zeros');
    for (const index of [0, 100, size * size - 1]) {
      assert.ok(Math.abs(dynamic[index] - integer[index] / 127) < 1e-3, `y[${index}]: ${dynamic[index]} vs ${integer[index]} / 127`);
    }
  });
});

describe('measureHardware', () => {
  it('returns finite positive peaks', async () => {
    const steps: string[] = [];
    const peaks = await measureHardware({ gemmShapes: [[64, 64, 64], [128, 64, 256]], bandwidthBytes: 64 * 1024 ** 2, repetitions: 2, onProgress: (step) => steps.push(step) });
    const throughputs = [
      peaks.fp32GemmGflops.singleThread,
      peaks.fp32GemmGflops.allCores,
      peaks.int8GemmGops.dynamicQuantizeMatMul.singleThread,
      peaks.int8GemmGops.dynamicQuantizeMatMul.allCores,
      peaks.int8GemmGops.matMulInteger.singleThread,
      peaks.int8GemmGops.matMulInteger.allCores,
      peaks.bandwidthGBps.matVecRead.singleThread,
      peaks.bandwidthGBps.matVecRead.allCores,
      peaks.bandwidthGBps.typedArrayCopy,
    ];
    for (const measured of throughputs) {
      assert.ok(Number.isFinite(measured.peak), `peak ${measured.peak} is not finite`);
      assert.ok(measured.peak > 0, `peak ${measured.peak} is not positive`);
      assert.ok(measured.peak >= measured.median, `peak ${measured.peak} below median ${measured.median}`);
    }
    assert.equal(peaks.bandwidthBytes, 64 * 1024 ** 2);
    assert.deepEqual(peaks.gemmByShape.map((entry) => entry.shape), [[64, 64, 64], [128, 64, 256]]);
    assert.equal(steps.length, 8);
  });

  it('keeps the best size as the peak', async () => {
    const peaks = await measureHardware({ gemmShapes: [[64, 64, 64], [256, 256, 256]], bandwidthBytes: 64 * 1024 ** 2, repetitions: 1 });
    const fp32 = peaks.gemmByShape.map((entry) => entry.fp32Gflops.singleThread.peak);
    assert.equal(peaks.fp32GemmGflops.singleThread.peak, Math.max(...fp32));
  });

  it('rejects a GEMM size out of range', async () => {
    await assert.rejects(measureHardware({ gemmShapes: [[1024, 1024, 1024], [8, 64, 64]] }), (error: Error) => error instanceof RangeError && /gemmShapes must contain \[M, K, N\] shapes of integers in \[64, 16384\], got \[8, 64, 64\]/.test(error.message));
  });

  it('rejects an empty size list', async () => {
    await assert.rejects(measureHardware({ gemmShapes: [] }), (error: Error) => error instanceof RangeError && /gemmShapes must list at least one/.test(error.message));
  });

  it('rejects a bandwidth test below 64 MiB', async () => {
    await assert.rejects(measureHardware({ bandwidthBytes: 1024 }), (error: Error) => error instanceof RangeError && /bandwidthBytes/.test(error.message));
  });

  it('rejects zero repetitions', async () => {
    await assert.rejects(measureHardware({ repetitions: 0 }), (error: Error) => error instanceof RangeError && /repetitions/.test(error.message));
  });
});
