/**
 * Efficiency: the distance between a measured caption and the host's limits. The vision encoder's FLOPs per second are
 * compared with the GEMM peak of the kernels it runs. The decoder step's bytes read per second are
 * compared with the measured memory bandwidth.
 */
import { imageTokenCount, type BlipConfig } from '../blip/config.js';
import type { StageTimingsMs } from '../engine/types.js';
import type { Variant } from '../variants/spec.js';
import { decoderFlops, visionEncoderFlops } from './flops.js';
import type { HardwarePeaks, ThreadedThroughput } from './hardware.js';
import { linearShapes, runsInFp32, type LinearShape, type VariantShapes } from './linear-shapes.js';
import { decoderStepBytes } from './step-bytes.js';

export interface EfficiencyInput {
  config: BlipConfig;
  /** The variant's heads and widths per layer, from its build report. */
  shapes: VariantShapes;
  variant: Pick<Variant, 'quantization' | 'runtime'>;
  /** Stage times of the result (medians for a benchmark), in milliseconds. */
  timingsMs: Pick<StageTimingsMs, 'visionEncoder' | 'decoder' | 'decoderPerToken'>;
  /** Decoder start tokens ([DEC] plus any prompt words). */
  promptLength: number;
  /** Generated tokens: the decoder ran one step per token. */
  newTokens: number;
}

export interface Efficiency {
  visionEncoder: {
    gflop: number;
    achievedGflops: number;
    /** Time the stage's matrix products would take at the measured peak of the kernels the variant uses. */
    idealMs: number;
    /** idealMs over the measured time: 1 means the stage ran at the host's GEMM peak. */
    fractionOfPeak: number;
  };
  decoder: {
    gflop: number;
    achievedGflops: number;
  };
  decoderStep: {
    /** Weight bytes read per step. */
    weightBytes: number;
    /** Cached keys and values read per step, averaged over the steps. */
    cacheBytes: number;
    achievedWeightGBps: number;
    /** The highest bandwidth any of the host's bandwidth tests reached. */
    bandwidthGBps: number;
    fractionOfBandwidth: number;
    /** The same with the cached keys and values counted as well as the weights. */
    fractionWithCaches: number;
  };
}

type Peaks = Pick<HardwarePeaks, 'fp32GemmGflops' | 'int8GemmGops' | 'bandwidthGBps'>;

/** Picks the peak that matches the variant's threads: one thread, or onnxruntime's default count. */
function atThreads(measured: ThreadedThroughput, threads: number): number {
  // NOTE: an explicit count other than 1 is compared with the default count's peak, which is only right when it equals the cores onnxruntime picks.
  return threads === 1 ? measured.singleThread.peak : measured.allCores.peak;
}

/** GFLOP/s peak of the kernel a Linear of this variant runs on. */
function linearPeak(layer: LinearShape, variant: EfficiencyInput['variant'], peaks: Peaks): number {
  const { quantization, runtime } = variant;
  const fp32 = atThreads(peaks.fp32GemmGflops, runtime.threads);
  const int8 = atThreads(peaks.int8GemmGops.dynamicQuantizeMatMul, runtime.threads);
  if (runsInFp32(layer.group, quantization)) return fp32;
  if (quantization.method === 'int8-dynamic') {
    return quantization.int8Kernel === 'MatMulInteger' ? atThreads(peaks.int8GemmGops.matMulInteger, runtime.threads) : int8;
  }
  // MatMulNBits computes in int8 at accuracy level 4 (it quantizes the input like DynamicQuantizeMatMul) and in fp32 below it.
  return quantization.accuracyLevel === 4 ? int8 : fp32;
}

function checkInput(input: EfficiencyInput): void {
  const { visionEncoder, decoder, decoderPerToken } = input.timingsMs;
  for (const [field, value] of Object.entries({ visionEncoder, decoder, decoderPerToken })) {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`timingsMs.${field} must be a positive number of milliseconds, got ${value}`);
  }
}

/** Computes the efficiency figures of one result against a host's measured peaks. */
export function efficiency(input: EfficiencyInput, peaks: Peaks): Efficiency {
  checkInput(input);
  const { config, shapes, variant, timingsMs, promptLength, newTokens } = input;
  const fp32Peak = atThreads(peaks.fp32GemmGflops, variant.runtime.threads);

  const vision = visionEncoderFlops(config, shapes);
  const tokens = imageTokenCount(config.vision);
  // Attention products and the patch convolution stay fp32 in every variant; the Linears run on their own kernel.
  let idealSeconds = (vision.patchEmbedding + vision.attentionScoresAndContext) / (fp32Peak * 1e9);
  for (const layer of linearShapes(config, shapes)) {
    if (layer.stage === 'image-encoder') idealSeconds += (2 * tokens * layer.out * layer.in) / (linearPeak(layer, variant, peaks) * 1e9);
  }

  const decoderTotal = decoderFlops(config, shapes, promptLength, newTokens);
  const step = decoderStepBytes(config, shapes, variant.quantization, 0);
  // The first step starts with no cache; step s ≥ 1 reads promptLength + s − 1 cached tokens.
  let selfCacheBytes = 0;
  for (let s = 1; s < newTokens; s++) selfCacheBytes += decoderStepBytes(config, shapes, variant.quantization, promptLength + s - 1).selfCache;
  const cacheBytes = step.crossKeyValue + selfCacheBytes / newTokens;
  const { matVecRead, typedArrayCopy } = peaks.bandwidthGBps;
  const bandwidthGBps = Math.max(matVecRead.singleThread.peak, matVecRead.allCores.peak, typedArrayCopy.peak);
  const stepSeconds = timingsMs.decoderPerToken / 1000;

  return {
    visionEncoder: {
      gflop: vision.total / 1e9,
      achievedGflops: vision.total / 1e9 / (timingsMs.visionEncoder / 1000),
      idealMs: idealSeconds * 1000,
      fractionOfPeak: (idealSeconds * 1000) / timingsMs.visionEncoder,
    },
    decoder: { gflop: decoderTotal / 1e9, achievedGflops: decoderTotal / 1e9 / (timingsMs.decoder / 1000) },
    decoderStep: {
      weightBytes: step.weights,
      cacheBytes,
      achievedWeightGBps: step.weights / 1e9 / stepSeconds,
      bandwidthGBps,
      fractionOfBandwidth: step.weights / 1e9 / stepSeconds / bandwidthGBps,
      fractionWithCaches: (step.weights + cacheBytes) / 1e9 / stepSeconds / bandwidthGBps,
    },
  };
}
