import { crc32, inflateRawSync } from 'node:zlib';
import { CheckpointError } from './errors.js';

/** One file of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated; the only methods read here. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;

/**
 * A zip archive held in memory, read through its central directory. Stored entries are returned as
 * views of the archive's bytes and deflated ones are inflated; both are checked against their CRC-32.
 * Zip64 archives (needed past 4 GiB or 65,535 entries) and encrypted entries are rejected.
 */
export class ZipArchive {
  readonly path: string;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly byName = new Map<string, ZipEntry>();
  private readonly verified = new Set<string>();

  constructor(path: string, bytes: Uint8Array) {
    this.path = path;
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const entry of this.readCentralDirectory()) this.byName.set(entry.name, entry);
  }

  entries(): ZipEntry[] {
    return [...this.byName.values()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Returns an entry's contents: a view of the archive for stored entries, a new buffer for deflated ones. */
  read(name: string): Uint8Array {
    const entry = this.byName.get(name);
    if (!entry) throw new CheckpointError(`${this.path}: zip entry "${name}" not found.`);
    const raw = this.bytes.subarray(this.dataOffset(entry), this.dataOffset(entry) + entry.compressedSize);
    const data = entry.method === 0 ? raw : this.inflate(entry, raw);
    if (data.byteLength !== entry.size) {
      throw new CheckpointError(`${this.path}: zip entry "${name}" has ${data.byteLength} bytes, but the central directory gives ${entry.size}.`);
    }
    if (!this.verified.has(name)) {
      const actual = crc32(data) >>> 0;
      if (actual !== entry.crc32) {
        throw new CheckpointError(
          `${this.path}: zip entry "${name}" fails its CRC-32 check (0x${actual.toString(16)} instead of 0x${entry.crc32.toString(16)}); the file is corrupt.`,
        );
      }
      this.verified.add(name);
    }
    return data;
  }

  private inflate(entry: ZipEntry, raw: Uint8Array): Uint8Array {
    try {
      return new Uint8Array(inflateRawSync(raw));
    } catch (error) {
      throw new CheckpointError(`${this.path}: zip entry "${entry.name}" could not be inflated (${(error as Error).message}); the file is corrupt.`);
    }
  }

  private findEndOfCentralDirectory(): number {
    const size = this.bytes.byteLength;
    const lowest = Math.max(0, size - EOCD_BYTES - MAX_COMMENT_BYTES);
    for (let offset = size - EOCD_BYTES; offset >= lowest; offset--) {
      if (this.view.getUint32(offset, true) === EOCD_SIGNATURE) return offset;
    }
    throw new CheckpointError(`${this.path}: no zip end-of-central-directory record found; the file is truncated or not a zip archive.`);
  }

  private readCentralDirectory(): ZipEntry[] {
    if (this.bytes.byteLength < EOCD_BYTES) {
      throw new CheckpointError(`${this.path}: file is ${this.bytes.byteLength} bytes, too short for a zip archive.`);
    }
    const eocd = this.findEndOfCentralDirectory();
    const count = this.view.getUint16(eocd + 10, true);
    const directoryBytes = this.view.getUint32(eocd + 12, true);
    const directoryOffset = this.view.getUint32(eocd + 16, true);
    if (count === 0xffff || directoryBytes === 0xffffffff || directoryOffset === 0xffffffff) {
      throw new CheckpointError(`${this.path}: zip64 archives (over 4 GiB or 65,535 entries) are not supported; re-save the checkpoint as safetensors.`);
    }
    if (directoryOffset + directoryBytes > eocd) {
      throw new CheckpointError(`${this.path}: the zip central directory [${directoryOffset}, ${directoryOffset + directoryBytes}) runs past its end record at ${eocd}; the file is corrupt.`);
    }

    const entries: ZipEntry[] = [];
    let offset = directoryOffset;
    for (let i = 0; i < count; i++) {
      if (offset + 46 > eocd || this.view.getUint32(offset, true) !== CENTRAL_SIGNATURE) {
        throw new CheckpointError(`${this.path}: zip central directory entry ${i} at byte ${offset} is invalid; the file is corrupt.`);
      }
      const flags = this.view.getUint16(offset + 8, true);
      const method = this.view.getUint16(offset + 10, true);
      const crc = this.view.getUint32(offset + 16, true);
      const compressedSize = this.view.getUint32(offset + 20, true);
      const size = this.view.getUint32(offset + 24, true);
      const nameBytes = this.view.getUint16(offset + 28, true);
      const extraBytes = this.view.getUint16(offset + 30, true);
      const commentBytes = this.view.getUint16(offset + 32, true);
      const localHeaderOffset = this.view.getUint32(offset + 42, true);
      const name = Buffer.from(this.bytes.subarray(offset + 46, offset + 46 + nameBytes)).toString('utf8');
      offset += 46 + nameBytes + extraBytes + commentBytes;

      if (compressedSize === 0xffffffff || size === 0xffffffff || localHeaderOffset === 0xffffffff) {
        throw new CheckpointError(`${this.path}: zip entry "${name}" uses zip64 sizes (over 4 GiB), which are not supported.`);
      }
      if (flags & 0x1) throw new CheckpointError(`${this.path}: zip entry "${name}" is encrypted.`);
      if (method !== 0 && method !== 8) {
        throw new CheckpointError(`${this.path}: zip entry "${name}" uses compression method ${method}; only stored (0) and deflate (8) are supported.`);
      }
      entries.push({ name, method, compressedSize, size, crc32: crc, localHeaderOffset });
    }
    return entries;
  }

  /** Start of an entry's data: after its local header, whose name and extra field lengths may differ from the central directory's. */
  private dataOffset(entry: ZipEntry): number {
    const offset = entry.localHeaderOffset;
    if (offset + 30 > this.bytes.byteLength || this.view.getUint32(offset, true) !== LOCAL_SIGNATURE) {
      throw new CheckpointError(`${this.path}: zip entry "${entry.name}" has no local header at byte ${offset}; the file is corrupt.`);
    }
    const start = offset + 30 + this.view.getUint16(offset + 26, true) + this.view.getUint16(offset + 28, true);
    if (start + entry.compressedSize > this.bytes.byteLength) {
      throw new CheckpointError(`${this.path}: zip entry "${entry.name}" runs past the end of the file; the file is truncated.`);
    }
    return start;
  }
}
