export { CheckpointError } from './errors.js';
export { SafetensorsFile, type TensorInfo } from './safetensors.js';
export { writeSafetensors, type TensorToWrite } from './safetensors-writer.js';
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
