import { closeSync, fstatSync, openSync } from 'node:fs';
import { CheckpointError } from './errors.js';
import { assertLittleEndianHost, elementCount } from './dtypes.js';
import { readExactly } from './file-bytes.js';
import { MAX_HEADER_BYTES, parseHeader, type HeaderEntry } from './safetensors-header.js';
import { bytesToFloat32, type TensorInfo, type TensorSource } from './tensor-source.js';

export type { SafetensorsDtype } from './dtypes.js';
export { CheckpointError } from './errors.js';
export type { TensorInfo } from './tensor-source.js';
export { writeSafetensors, type TensorToWrite } from './safetensors-writer.js';

/**
 * A safetensors file read into memory once: the header is validated on open and every accessor
 * hands out views of the one data buffer, so a 1 GB checkpoint costs 1 GB of memory.
 */
export class SafetensorsFile implements TensorSource {
  readonly path: string;
  readonly metadata: Record<string, string>;
  private readonly entries: Map<string, HeaderEntry>;
  /** The data section alone, in its own ArrayBuffer, so an offset that is a multiple of 4 can back a Float32Array. */
  private readonly data: Uint8Array;

  private constructor(path: string, metadata: Record<string, string>, entries: Map<string, HeaderEntry>, data: Uint8Array) {
    this.path = path;
    this.metadata = metadata;
    this.entries = entries;
    this.data = data;
  }

  /** Reads and validates a safetensors file; throws CheckpointError naming the file when it is empty, truncated or not safetensors. */
  static open(path: string): SafetensorsFile {
    assertLittleEndianHost();
    const fd = openSync(path, 'r');
    try {
      const fileBytes = fstatSync(fd).size;
      if (fileBytes < 8) {
        throw new CheckpointError(`${path}: file is ${fileBytes} bytes, too short for the 8-byte header length of a safetensors file.`);
      }
      const lengthBytes = readExactly(fd, path, 0, 8);
      const headerLength = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true);
      if (headerLength > BigInt(fileBytes - 8)) {
        throw new CheckpointError(
          `${path}: header length ${headerLength} runs past the end of the ${fileBytes}-byte file; the file is truncated or not a safetensors file.`,
        );
      }
      if (headerLength > BigInt(MAX_HEADER_BYTES)) {
        throw new CheckpointError(`${path}: header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit of the safetensors format.`);
      }
      const headerBytes = Number(headerLength);
      const headerText = Buffer.from(readExactly(fd, path, 8, headerBytes)).toString('utf8');
      const dataBytes = fileBytes - 8 - headerBytes;
      const { metadata, entries } = parseHeader(path, headerText, dataBytes);
      const data = readExactly(fd, path, 8 + headerBytes, dataBytes);
      return new SafetensorsFile(path, metadata, entries, data);
    } finally {
      closeSync(fd);
    }
  }

  /** Tensor names in header order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  info(name: string): TensorInfo {
    const entry = this.entry(name);
    return { name, dtype: entry.dtype, shape: [...entry.shape], byteLength: entry.end - entry.begin };
  }

  /**
   * Returns a float tensor as float32: F32 as a view of the file's bytes when 4-byte aligned (a copy
   * otherwise), F16, BF16 and F64 converted into a new array. Integer and BOOL tensors are rejected.
   */
  float32(name: string): Float32Array {
    const entry = this.entry(name);
    return bytesToFloat32(this.path, name, entry.dtype, this.bytes(name), elementCount(entry.shape));
  }

  /** Returns the tensor's raw little-endian bytes as a view of the file's data; do not modify it. */
  bytes(name: string): Uint8Array {
    const entry = this.entry(name);
    return this.data.subarray(entry.begin, entry.end);
  }

  private entry(name: string): HeaderEntry {
    const entry = this.entries.get(name);
    if (!entry) {
      throw new CheckpointError(`${this.path}: no tensor named "${name}" (the file has ${this.entries.size} tensors).`);
    }
    return entry;
  }
}
