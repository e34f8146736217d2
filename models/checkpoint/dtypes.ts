import { CheckpointError } from './errors.js';

/** Element types of the safetensors format that this reader and writer support. */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Bytes per element of each dtype; BOOL is one byte, as safetensors stores it. */
export const DTYPE_SIZE: Readonly<Record<SafetensorsDtype, number>> = Object.freeze({
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
});

export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(DTYPE_SIZE, value);
}

/** Number of elements of a shape; a scalar (empty shape) has one. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** Throws unless the host is little-endian, because typed-array views read the file's little-endian bytes as they are. */
export function assertLittleEndianHost(): void {
  const probe = new Uint8Array(new Uint16Array([1]).buffer);
  if (probe[0] !== 1) throw new CheckpointError('This reader needs a little-endian host; safetensors and torch store little-endian data.');
}

let halfTable: Float32Array | undefined;

/** Float32 value of every one of the 65,536 IEEE 754 half-precision bit patterns, built on first use. */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) table[bits] = halfBitsToNumber(bits);
  halfTable = table;
  return table;
}

/** Decodes one IEEE 754 binary16 bit pattern, subnormals, infinities and NaN included. */
export function halfBitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Converts binary16 bit patterns to float32 values. */
export function float16ToFloat32(half: Uint16Array): Float32Array {
  const table = halfToFloatTable();
  const out = new Float32Array(half.length);
  for (let i = 0; i < half.length; i++) out[i] = table[half[i]];
  return out;
}

/** Converts bfloat16 bit patterns to float32 values: a bfloat16 is the top half of a float32. */
export function bfloat16ToFloat32(bf16: Uint16Array): Float32Array {
  const bits = new Uint32Array(bf16.length);
  for (let i = 0; i < bf16.length; i++) bits[i] = bf16[i] << 16;
  return new Float32Array(bits.buffer);
}

const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

/**
 * Rounds one number to the nearest binary16 bit pattern, ties to even, matching numpy's float16 cast:
 * overflow gives infinity, tiny values give subnormals or signed zero, NaN stays a quiet NaN.
 */
export function numberToHalfBits(value: number): number {
  scratchFloat[0] = value;
  const bits = scratchBits[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00;

  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal half: shift the mantissa (with its implicit 1) right, rounding to nearest even.
    if (halfExponent < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    const rounded = roundShiftEven(full, shift);
    return sign | rounded;
  }
  // Normal half. A carry out of the mantissa raises the exponent, and past the largest one gives infinity, as IEEE rounding requires.
  const rounded = roundShiftEven((halfExponent << 23) | mantissa, 13);
  return sign | rounded;
}

function roundShiftEven(value: number, shift: number): number {
  const kept = value >>> shift;
  const remainder = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (remainder > half || (remainder === half && (kept & 1) === 1)) return kept + 1;
  return kept;
}

/** Converts float32 values to binary16 bit patterns, ties to even. */
export function float32ToFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = numberToHalfBits(values[i]);
  return out;
}
