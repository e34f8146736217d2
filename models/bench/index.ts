/**
 * Engine-side measurement: the host's GEMM and bandwidth peaks, FLOPs and bytes per stage from a
 * variant's real shapes, efficiency against the peaks, and the run-by-run alternation of subjects.
 */
export { measureHardware, DEFAULT_HARDWARE_OPTIONS, type GemmMeasurement, type GemmShape, type HardwareOptions, type HardwarePeaks, type Throughput, type ThreadedThroughput } from './hardware.js';
export { linearShapes, denseShapes, checkShapes, runsInFp32, type LinearShape, type LinearStage, type VariantShapes } from './linear-shapes.js';
export { visionEncoderFlops, decoderStepFlops, decoderFlops, type VisionEncoderFlops, type DecoderStepFlops } from './flops.js';
export { decoderStepBytes, linearBytes, type DecoderStepBytes } from './step-bytes.js';
export { efficiency, type Efficiency, type EfficiencyInput } from './efficiency.js';
export { runAlternating, type AlternateOptions, type BenchSubject, type RunEvent } from './alternate.js';
