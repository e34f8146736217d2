/** Efficiency figures of BLIP base against round made-up peaks, checked against hand-computed fractions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decoderStepBytes, denseShapes, efficiency, visionEncoderFlops, type HardwarePeaks, type Throughput } from '../../models/bench/index.js';
import { presetConfig } from '../../models/sources/presets.js';
import { parseVariant } from '../../models/variants/spec.js';

const config = presetConfig('random-base');
const shapes = denseShapes(config);
const vision = visionEncoderFlops(config, shapes);

const at = (peak: number): Throughput => ({ peak, median: peak / 2, bestMs: 1, medianMs: 2 });
const peaks: Pick<HardwarePeaks, 'fp32GemmGflops' | 'int8GemmGops' | 'bandwidthGBps'> = {
  fp32GemmGflops: { singleThread: at(50), allCores: at(100) },
  int8GemmGops: { dynamicQuantizeMatMul: { singleThread: at(200), allCores: at(400) }, matMulInteger: { singleThread: at(300), allCores: at(600) } },
  bandwidthGBps: { matVecRead: { singleThread: at(8), allCores: at(10) }, typedArrayCopy: at(9) },
};

function input(spec: object, visionEncoderMs: number, decoderPerTokenMs = 50) {
  return {
    config,
    shapes,
    variant: parseVariant(spec),
    timingsMs: { visionEncoder: visionEncoderMs, decoder: decoderPerTokenMs * 20, decoderPerToken: decoderPerTokenMs },
    promptLength: 1,
    newTokens: 20,
  };
}

describe('efficiency of BLIP base', () => {
  it('compares fp32 with the fp32 GEMM peak at the default threads', () => {
    const idealMs = vision.total / 100e9 * 1000;
    const figures = efficiency(input({}, 2 * idealMs), peaks);
    assert.ok(Math.abs(figures.visionEncoder.idealMs - idealMs) < 1e-9);
    assert.ok(Math.abs(figures.visionEncoder.fractionOfPeak - 0.5) < 1e-12);
    assert.ok(Math.abs(figures.visionEncoder.achievedGflops - 50) < 1e-9);
  });

  it('uses the single-thread peak for one thread', () => {
    const idealMs = vision.total / 50e9 * 1000;
    const figures = efficiency(input({ runtime: { threads: 1 } }, idealMs), peaks);
    assert.ok(Math.abs(figures.visionEncoder.fractionOfPeak - 1) < 1e-12);
  });

  it('runs int8 Linears at the int8 peak and attention at fp32', () => {
    const linears = vision.attentionProjections + vision.mlp + vision.crossKeyValue;
    const idealMs = ((vision.patchEmbedding + vision.attentionScoresAndContext) / 100e9 + linears / 400e9) * 1000;
    const figures = efficiency(input({ quantization: { method: 'int8-dynamic' } }, 1000), peaks);
    assert.ok(Math.abs(figures.visionEncoder.idealMs - idealMs) < 1e-9);
    const integer = efficiency(input({ quantization: { method: 'int8-dynamic', int8Kernel: 'MatMulInteger' } }, 1000), peaks);
    assert.ok(Math.abs(integer.visionEncoder.idealMs - ((vision.patchEmbedding + vision.attentionScoresAndContext) / 100e9 + linears / 600e9) * 1000) < 1e-9);
  });

  it('divides step bytes by the highest measured bandwidth', () => {
    const weights = decoderStepBytes(config, shapes, parseVariant({}).quantization, 0).weights;
    const figures = efficiency(input({}, 1000, 100), peaks);
    assert.equal(figures.decoderStep.bandwidthGBps, 10);
    assert.ok(Math.abs(figures.decoderStep.fractionOfBandwidth - weights / 1e9 / 0.1 / 10) < 1e-12);
    assert.ok(figures.decoderStep.fractionWithCaches > figures.decoderStep.fractionOfBandwidth);
  });

  it('averages the cache over the steps', () => {
    const figures = efficiency(input({}, 1000), peaks);
    const bytes = (cache: number) => decoderStepBytes(config, shapes, parseVariant({}).quantization, cache);
    let selfCache = 0;
    for (let step = 1; step < 20; step++) selfCache += bytes(step).selfCache;
    assert.equal(figures.decoderStep.cacheBytes, bytes(0).crossKeyValue + selfCache / 20);
  });

  it('rejects a zero stage time', () => {
    assert.throws(() => efficiency(input({}, 0), peaks), (error: Error) => error instanceof RangeError && /timingsMs\.visionEncoder/.test(error.message));
  });
});
