/**
 * Reads a result's `efficiency` JSON. It is written only when the host ran the hardware
 * benchmark, and read defensively: a field that is missing or not a number counts as absent.
 */

export interface EfficiencyFigures {
  /** Vision encoder FLOP/s over the GEMM peak of the kernels the variant runs. */
  visionFractionOfPeak?: number;
  /** Decoder weight bytes read per second over the host's measured memory bandwidth. */
  decoderFractionOfBandwidth?: number;
}

function numberAt(value: unknown, group: string, field: string): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const inner = (value as Record<string, unknown>)[group];
  if (typeof inner !== 'object' || inner === null) return undefined;
  const number = (inner as Record<string, unknown>)[field];
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

export function efficiencyOf(value: unknown): EfficiencyFigures | null {
  if (typeof value !== 'object' || value === null) return null;
  return { visionFractionOfPeak: numberAt(value, 'visionEncoder', 'fractionOfPeak'), decoderFractionOfBandwidth: numberAt(value, 'decoderStep', 'fractionOfBandwidth') };
}
