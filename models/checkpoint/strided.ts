import { elementCount } from './dtypes.js';

/** True when the strides are row-major contiguous for the shape; dimensions of size 1 may have any stride, as in torch. */
export function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (shape[axis] !== 1 && stride[axis] !== expected) return false;
    expected *= shape[axis];
  }
  return true;
}

/** Largest element index a strided view touches, relative to the storage start; -1 for an empty tensor. */
export function maxElementIndex(shape: readonly number[], stride: readonly number[], offset: number): number {
  if (elementCount(shape) === 0) return -1;
  let index = offset;
  for (let axis = 0; axis < shape.length; axis++) index += (shape[axis] - 1) * stride[axis];
  return index;
}

/** Copies a strided view of `storage` into a new row-major contiguous buffer. */
export function gatherContiguous(storage: Uint8Array, elementBytes: number, shape: readonly number[], stride: readonly number[], offset: number): Uint8Array {
  const count = elementCount(shape);
  const out = new Uint8Array(count * elementBytes);
  if (count === 0) return out;
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let source = offset;
  for (let element = 0; element < count; element++) {
    const from = source * elementBytes;
    out.set(storage.subarray(from, from + elementBytes), element * elementBytes);
    // Advance the multi-index like an odometer, keeping `source` in step.
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis] += 1;
      source += stride[axis];
      if (index[axis] < shape[axis]) break;
      source -= shape[axis] * stride[axis];
      index[axis] = 0;
    }
  }
  return out;
}
