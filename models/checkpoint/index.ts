export { CheckpointError } from './errors.js';
export { SafetensorsFile } from './safetensors.js';
export { writeSafetensors, type TensorToWrite } from './safetensors-writer.js';
export type { TensorInfo, TensorSource } from './tensor-source.js';
export { TorchBinFile } from './torch-bin.js';
export { convertTorchBinToSafetensors, LEGACY_BUFFERS, type ConversionResult } from './convert.js';
export {
  DTYPE_SIZE,
  bfloat16ToFloat32,
  elementCount,
  float16ToFloat32,
  float32ToFloat16,
  halfBitsToNumber,
  numberToHalfBits,
  type SafetensorsDtype,
} from './dtypes.js';
