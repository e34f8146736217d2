import { CheckpointError } from './errors.js';
import { bfloat16ToFloat32, float16ToFloat32, type SafetensorsDtype } from './dtypes.js';

/** A tensor's name, dtype, shape and the byte length of its contiguous data. */
export interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  byteLength: number;
}

/** Read access to a checkpoint's tensors, whatever the file format. */
export interface TensorSource {
  readonly path: string;
  names(): string[];
  has(name: string): boolean;
  info(name: string): TensorInfo;
  /** Float tensors as float32; see SafetensorsFile.float32 for when the result is a view. */
  float32(name: string): Float32Array;
  /** Contiguous row-major little-endian bytes. */
  bytes(name: string): Uint8Array;
}

/**
 * Returns a float tensor's bytes as float32: F32 as a view when 4-byte aligned (a copy otherwise),
 * F16, BF16 and F64 converted into a new array. Integer and BOOL tensors are rejected.
 */
export function bytesToFloat32(path: string, name: string, dtype: SafetensorsDtype, bytes: Uint8Array, count: number): Float32Array {
  switch (dtype) {
    case 'F32':
      return alignedView(bytes, Float32Array, count);
    case 'F16':
      return float16ToFloat32(alignedView(bytes, Uint16Array, count));
    case 'BF16':
      return bfloat16ToFloat32(alignedView(bytes, Uint16Array, count));
    case 'F64':
      return Float32Array.from(alignedView(bytes, Float64Array, count));
    default:
      throw new CheckpointError(`${path}: tensor "${name}" is ${dtype}, not a float dtype; read it with bytes() instead of float32().`);
  }
}

type TypedArrayClass<T> = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

/** Returns a typed view of the bytes, copying them first when their offset is not a multiple of the element size. */
function alignedView<T>(bytes: Uint8Array, kind: TypedArrayClass<T>, count: number): T {
  const source = bytes.byteOffset % kind.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
  return new kind(source.buffer, source.byteOffset, count);
}
