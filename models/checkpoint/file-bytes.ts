import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CheckpointError } from './errors.js';

/** Largest single read; node's fs.readSync takes at most 2 GiB - 1 bytes per call. */
const READ_CHUNK_BYTES = 1 << 30;

/** Reads exactly `length` bytes at `position` into a buffer of its own (byteOffset 0). */
export function readExactly(fd: number, path: string, position: number, length: number): Uint8Array {
  const buffer = new Uint8Array(new ArrayBuffer(length));
  let done = 0;
  while (done < length) {
    const read = readSync(fd, buffer, done, Math.min(READ_CHUNK_BYTES, length - done), position + done);
    if (read === 0) throw new CheckpointError(`${path}: file ended after ${position + done} bytes while reading; it changed or was truncated during the read.`);
    done += read;
  }
  return buffer;
}

/** Reads a whole file into one buffer of its own; fs.readFileSync stops at 2 GiB, this stops at the Buffer limit. */
export function readWholeFile(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    return readExactly(fd, path, 0, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}
