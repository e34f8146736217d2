/**
 * Writes initializer bytes to an ONNX external data file as they are added, so that building a
 * 1 GB model never holds every weight in memory at once.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';

/** Offsets are aligned so that onnxruntime can map tensors without copying them to fix alignment. */
const ALIGNMENT = 64;

export class ExternalDataWriter {
  private fd: number | undefined;
  private offset = 0;
  readonly location: string;

  constructor(readonly path: string) {
    this.location = basename(path);
    this.fd = openSync(path, 'w');
  }

  /** Appends bytes and returns where they landed. */
  append(bytes: Uint8Array): { location: string; offset: number; length: number } {
    if (this.fd === undefined) throw new Error(`external data file ${this.path} is already closed`);
    const padding = (ALIGNMENT - (this.offset % ALIGNMENT)) % ALIGNMENT;
    if (padding > 0) {
      writeSync(this.fd, new Uint8Array(padding));
      this.offset += padding;
    }
    const start = this.offset;
    let written = 0;
    while (written < bytes.byteLength) written += writeSync(this.fd, bytes, written);
    this.offset += bytes.byteLength;
    return { location: this.location, offset: start, length: bytes.byteLength };
  }

  get bytesWritten(): number {
    return this.offset;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
