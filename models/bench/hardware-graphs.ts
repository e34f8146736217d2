/**
 * The one-node graphs that `measureHardware` times. They are built with our own GraphBuilder so that
 * they run the same onnxruntime kernels as the variants: MatMul (fp32 Linear), DynamicQuantizeMatMul
 * (int8-dynamic Linear) and MatMulInteger (onnxruntime's other int8 GEMM). A matrix-vector MatMul over
 * a weight far larger than the caches has the access pattern of one decoder step at batch 1.
 * The weight is always an initializer, as in the variants, so onnxruntime may prepack it.
 */
import { join } from 'node:path';

import { GraphBuilder, MICROSOFT_DOMAIN } from '../onnx/graph-builder.js';
import { DataType } from '../onnx/onnx-proto.js';

/** Fills with a cheap deterministic pattern in [-1, 1): values do not change a dense kernel's speed. */
function patternFloats(count: number): Float32Array {
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = (Math.imul(i, 2654435761) >>> 16) / 32768 - 1;
  return data;
}

function patternInt8(count: number): Int8Array {
  const data = new Int8Array(count);
  for (let i = 0; i < count; i++) data[i] = (Math.imul(i, 2654435761) >>> 24) - 128;
  return data;
}

/** Builds a [m, k] fp32 input times a [k, n] fp32 weight. */
export function buildFp32Gemm(dir: string, m: number, k: number, n: number): string {
  const path = join(dir, `fp32-gemm-${m}x${k}x${n}.onnx`);
  const g = new GraphBuilder('fp32_gemm', path);
  const a = g.input('a', DataType.FLOAT, [m, k]);
  const y = g.op('MatMul', [a, g.weight('b', [k, n], patternFloats(k * n))]);
  g.output(y, 'y', DataType.FLOAT, [m, n]);
  g.save();
  return path;
}

/** Builds a [m, k] fp32 input, quantized to uint8 at run time, times a [k, n] int8 weight with one scale. */
export function buildDynamicQuantizeGemm(dir: string, m: number, k: number, n: number): string {
  const path = join(dir, `dynamic-quantize-gemm-${m}x${k}x${n}.onnx`);
  const g = new GraphBuilder('dynamic_quantize_gemm', path);
  const a = g.input('a', DataType.FLOAT, [m, k]);
  const b = g.tensor('b', DataType.INT8, [k, n], patternInt8(k * n));
  const scale = g.tensor('b_scale', DataType.FLOAT, [], Float32Array.of(1 / 127));
  const y = g.op('DynamicQuantizeMatMul', [a, b, scale, ''], {}, { domain: MICROSOFT_DOMAIN });
  g.output(y, 'y', DataType.FLOAT, [m, n]);
  g.save();
  return path;
}

/** Builds a [m, k] uint8 input times a [k, n] int8 weight, accumulated in int32 (no run-time quantization). */
export function buildMatMulInteger(dir: string, m: number, k: number, n: number): string {
  const path = join(dir, `matmul-integer-${m}x${k}x${n}.onnx`);
  const g = new GraphBuilder('matmul_integer', path);
  const a = g.input('a', DataType.UINT8, [m, k]);
  const b = g.tensor('b', DataType.INT8, [k, n], patternInt8(k * n));
  const y = g.op('MatMulInteger', [a, b]);
  g.output(y, 'y', DataType.INT32, [m, n]);
  g.save();
  return path;
}

/** Builds a [1, k] fp32 row times a [k, n] fp32 weight, so every weight byte is read once per run. */
export function buildMatVec(dir: string, k: number, n: number): string {
  const path = join(dir, `matvec-${k}x${n}.onnx`);
  const g = new GraphBuilder('matvec', path);
  const x = g.input('x', DataType.FLOAT, [1, k]);
  const y = g.op('MatMul', [x, g.weight('w', [k, n], patternFloats(k * n))]);
  g.output(y, 'y', DataType.FLOAT, [1, n]);
  g.save();
  return path;
}
