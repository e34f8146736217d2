import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** A file as the repository listing describes it: its size, and a checksum when the listing has one. */
export interface ExpectedFile {
  path: string;
  size: number;
  /** sha256 of the content, the `lfs.oid` of an LFS file. */
  sha256?: string;
  /** Git blob id (sha1 of "blob <size>\0" + content), the `oid` of a file stored in git itself. */
  gitOid?: string;
}

/** Returns what is wrong with a downloaded file, or undefined when size and checksum match. */
export async function checkDownloadedFile(path: string, expected: ExpectedFile): Promise<string | undefined> {
  const { size } = await stat(path);
  if (size !== expected.size) return `size is ${size} bytes, expected ${expected.size}`;
  if (expected.sha256) {
    const actual = await hashFile(path, 'sha256');
    if (actual !== expected.sha256) return `sha256 is ${actual}, expected ${expected.sha256} (lfs.oid)`;
  } else if (expected.gitOid) {
    const actual = await hashFile(path, 'sha1', `blob ${size}\0`);
    if (actual !== expected.gitOid) return `git blob id is ${actual}, expected ${expected.gitOid}`;
  }
  return undefined;
}

async function hashFile(path: string, algorithm: 'sha256' | 'sha1', prefix?: string): Promise<string> {
  const hash = createHash(algorithm);
  if (prefix) hash.update(prefix);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
