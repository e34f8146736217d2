import { open, rename, rm } from 'node:fs/promises';
import { CheckpointError } from './errors.js';
import { DTYPE_SIZE, assertLittleEndianHost, elementCount, isSafetensorsDtype, type SafetensorsDtype } from './dtypes.js';

/** One tensor to write: its little-endian bytes in row-major order. */
export interface TensorToWrite {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  data: ArrayBufferView;
}

/** The data section starts at a multiple of this, so that tensors ordered by element size stay aligned. */
const DATA_ALIGNMENT = 8;

/**
 * Writes tensors to a safetensors file. Tensors are ordered by element size (largest first), then by
 * name, so each one starts at a multiple of its element size, as in files from Python safetensors 0.8.
 * The header is padded with spaces so the data section starts at a multiple of 8. Data goes to
 * `${path}.partial` one tensor at a time and is renamed over `path` only when complete, so a failed
 * write leaves no file at `path`.
 * NOTE: the header needs every shape first, so all of `tensors` is collected before writing. A generator
 * that makes each tensor's data on the fly therefore has all of it in memory at once.
 */
export async function writeSafetensors(path: string, tensors: Iterable<TensorToWrite>, metadata?: Record<string, string>): Promise<void> {
  assertLittleEndianHost();
  const ordered = validateTensors(path, [...tensors]).sort(byElementSizeThenName);
  const header = buildHeader(path, ordered, metadata);

  const partial = `${path}.partial`;
  const handle = await open(partial, 'w');
  try {
    await writeAll(handle, header);
    for (const tensor of ordered) {
      await writeAll(handle, new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    }
    await handle.sync();
    await handle.close();
    await rename(partial, path);
  } catch (error) {
    // close() after a successful close() rejects; the write error is the one to report.
    await handle.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

function validateTensors(path: string, tensors: TensorToWrite[]): TensorToWrite[] {
  const seen = new Set<string>();
  for (const tensor of tensors) {
    const where = `${path}: tensor "${tensor.name}"`;
    if (tensor.name === '__metadata__' || tensor.name.length === 0) throw new CheckpointError(`${where}: the name is reserved or empty.`);
    if (seen.has(tensor.name)) throw new CheckpointError(`${where} is given twice; tensor names must be unique.`);
    seen.add(tensor.name);
    if (!isSafetensorsDtype(tensor.dtype)) {
      throw new CheckpointError(`${where} has dtype ${JSON.stringify(tensor.dtype)}; supported dtypes are ${Object.keys(DTYPE_SIZE).join(', ')}.`);
    }
    if (!tensor.shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
      throw new CheckpointError(`${where} has shape ${JSON.stringify(tensor.shape)}; expected non-negative integers.`);
    }
    const expected = elementCount(tensor.shape) * DTYPE_SIZE[tensor.dtype];
    if (tensor.data.byteLength !== expected) {
      throw new CheckpointError(
        `${where} has ${tensor.data.byteLength} bytes of data, but shape [${tensor.shape.join(', ')}] of ${tensor.dtype} needs ${expected}.`,
      );
    }
  }
  return tensors;
}

function byElementSizeThenName(a: TensorToWrite, b: TensorToWrite): number {
  const bySize = DTYPE_SIZE[b.dtype] - DTYPE_SIZE[a.dtype];
  if (bySize !== 0) return bySize;
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}

/** Builds the 8-byte little-endian header length followed by the JSON header, padded with spaces to the data alignment. */
function buildHeader(path: string, ordered: TensorToWrite[], metadata: Record<string, string> | undefined): Uint8Array {
  const json: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new CheckpointError(`${path}: metadata "${key}" is ${JSON.stringify(value)}; metadata values must be strings.`);
    }
    json.__metadata__ = metadata;
  }
  let offset = 0;
  for (const tensor of ordered) {
    json[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + tensor.data.byteLength] };
    offset += tensor.data.byteLength;
  }
  const text = Buffer.from(JSON.stringify(json), 'utf8');
  const padded = Math.ceil((8 + text.length) / DATA_ALIGNMENT) * DATA_ALIGNMENT - 8;
  const header = Buffer.alloc(8 + padded, 0x20);
  header.writeBigUInt64LE(BigInt(padded), 0);
  text.copy(header, 8);
  return header;
}

async function writeAll(handle: Awaited<ReturnType<typeof open>>, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(bytes.byteLength - done, 1 << 30));
    done += bytesWritten;
  }
}
