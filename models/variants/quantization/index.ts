/**
 * Picks the operator each Linear layer becomes for a quantization setting:
 *   none              → MatMul (fp32)
 *   int8-dynamic      → DynamicQuantizeMatMul (onnxruntime contrib): int8 weights, activations
 *                       quantized to uint8 per tensor at run time, like onnxruntime's quantize_dynamic
 *   int8/int4-weight-only → MatMulNBits (onnxruntime contrib) with symmetric per-block scales
 * Layer groups listed in keepFp32 stay MatMul. Layers pruned with format "sparse" (never quantized)
 * become MatMul on a sparse initializer.
 */
import type { BlipConfig } from '../../blip/config.js';
import { addBias, fp32Linear, type LinearEmitter } from '../../blip/linear.js';
import { VariantError } from '../../engine/errors.js';
import { DataType } from '../../onnx/onnx-proto.js';
import { MICROSOFT_DOMAIN } from '../../onnx/graph-builder.js';
import { sparseLinear, sparseLinearNames, SPARSE_INITIALIZER_KERNEL } from '../sparse/index.js';
import type { Variant } from '../spec.js';
import { quantizeBlocks, quantizeInt8Symmetric } from './weight-quantization.js';

type Quantization = Variant['quantization'];

const int8Dynamic =
  (perChannel: boolean): LinearEmitter =>
  (g, x, layer) => {
    const [out, inFeatures] = layer.weight.shape;
    const q = quantizeInt8Symmetric(layer.weight.data, out, inFeatures, perChannel);
    const w = g.tensor(`${layer.name}.weight_int8`, DataType.INT8, [inFeatures, out], q.data);
    const scale = g.tensor(`${layer.name}.weight_scale`, DataType.FLOAT, perChannel ? [out] : [], q.scales);
    const inputs = [x, w, scale, ''];
    if (layer.bias) inputs.push(g.weight(`${layer.name}.bias`, layer.bias.shape, layer.bias.data));
    return g.op('DynamicQuantizeMatMul', inputs, {}, { domain: MICROSOFT_DOMAIN });
  };

/**
 * The same int8 scheme in standard operators: DynamicQuantizeLinear (uint8 activations, one scale and
 * zero point per tensor) → MatMulInteger → Cast → scale. Kept to compare with DynamicQuantizeMatMul.
 */
const int8DynamicStandard =
  (perChannel: boolean): LinearEmitter =>
  (g, x, layer) => {
    const [out, inFeatures] = layer.weight.shape;
    const q = quantizeInt8Symmetric(layer.weight.data, out, inFeatures, perChannel);
    const w = g.tensor(`${layer.name}.weight_int8`, DataType.INT8, [inFeatures, out], q.data);
    const weightScale = g.tensor(`${layer.name}.weight_scale`, DataType.FLOAT, perChannel ? [out] : [], q.scales);
    const [xq, xScale, xZeroPoint] = g.opMulti('DynamicQuantizeLinear', [x], {}, { outputs: 3 });
    const product = g.op('MatMulInteger', [xq, w, xZeroPoint]);
    const scale = g.op('Mul', [xScale, weightScale]);
    const y = g.op('Mul', [g.op('Cast', [product], { to: DataType.FLOAT }), scale]);
    return addBias(g, y, layer);
  };

const weightOnly =
  (bits: 4 | 8, blockSize: number, accuracyLevel: number): LinearEmitter =>
  (g, x, layer) => {
    const [out, inFeatures] = layer.weight.shape;
    if (inFeatures % blockSize !== 0) {
      throw new VariantError(`quantization.blockSize ${blockSize} does not divide the input width ${inFeatures} of ${layer.name}; use a block size that divides it (e.g. 32)`);
    }
    const q = quantizeBlocks(layer.weight.data, out, inFeatures, bits, blockSize);
    const blocks = inFeatures / blockSize;
    const packed = g.tensor(`${layer.name}.weight_q${bits}`, DataType.UINT8, [out, blocks, (blockSize * bits) / 8], q.packed);
    const scales = g.tensor(`${layer.name}.weight_scales`, DataType.FLOAT, [out * blocks], q.scales);
    const y = g.op('MatMulNBits', [x, packed, scales], { K: inFeatures, N: out, bits, block_size: blockSize, accuracy_level: accuracyLevel }, { domain: MICROSOFT_DOMAIN });
    return addBias(g, y, layer);
  };

/** Checks the settings that depend on the model's widths, before anything is built. */
export function checkQuantization(quantization: Quantization, config: BlipConfig): void {
  if (quantization.method !== 'int8-weight-only' && quantization.method !== 'int4-weight-only') return;
  const widths = [config.vision.hiddenSize, config.vision.intermediateSize, config.text.hiddenSize, config.text.intermediateSize];
  const bad = widths.find((width) => width % quantization.blockSize !== 0);
  if (bad !== undefined) throw new VariantError(`quantization.blockSize ${quantization.blockSize} does not divide the layer width ${bad}; use one of 16, 32, 64 that divides every width`);
}

export function linearEmitterFor(quantization: Quantization, config: BlipConfig, pruning: Variant['pruning'] = []): { emitter: LinearEmitter; kernels: Record<string, number> } {
  checkQuantization(quantization, config);
  const sparse = sparseLinearNames(config, pruning);
  const kernels: Record<string, number> = {};
  let quantized: LinearEmitter;
  let kernel: string;
  switch (quantization.method) {
    case 'none':
      quantized = fp32Linear;
      kernel = 'MatMul';
      break;
    case 'int8-dynamic':
      if (quantization.int8Kernel === 'MatMulInteger') {
        quantized = int8DynamicStandard(quantization.granularity === 'per-channel');
        kernel = 'MatMulInteger';
      } else {
        quantized = int8Dynamic(quantization.granularity === 'per-channel');
        kernel = 'DynamicQuantizeMatMul';
      }
      break;
    case 'int8-weight-only':
    case 'int4-weight-only':
      quantized = weightOnly(quantization.method === 'int8-weight-only' ? 8 : 4, quantization.blockSize, quantization.accuracyLevel);
      kernel = 'MatMulNBits';
      break;
  }
  const keep = new Set<string>(quantization.keepFp32);
  const emitter: LinearEmitter = (g, x, layer) => {
    if (sparse.has(layer.name)) {
      kernels[SPARSE_INITIALIZER_KERNEL] = (kernels[SPARSE_INITIALIZER_KERNEL] ?? 0) + 1;
      return sparseLinear(g, x, layer);
    }
    const useFp32 = keep.has(layer.group) || (layer.group === 'cross-attention' && keep.has('text'));
    const name = useFp32 ? 'MatMul' : kernel;
    kernels[name] = (kernels[name] ?? 0) + 1;
    return (useFp32 ? fp32Linear : quantized)(g, x, layer);
  };
  return { emitter, kernels };
}
