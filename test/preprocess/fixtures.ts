import { deflateSync } from 'node:zlib';
/**
 * Access to the golden files that test/reference/preprocess_reference.py writes with Pillow 13 and
 * transformers 5.25, and helpers to compare byte images.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { RgbImage } from '../../models/preprocess/index.js';

export const FIXTURES = 'test/fixtures/preprocess';
export const PHOTOS = '../shared/data/images';

interface Sample {
  c: number;
  y: number;
  x: number;
  value: number;
}

export interface PhotoReference {
  resized: string;
  resizedSha256: string;
  pixelValuesSha256: string;
  channelMean: [number, number, number];
  min: number;
  max: number;
  samples: Sample[];
}

interface DecodeReference {
  pilMode: string;
  pilRgb: string;
  transformersRgb?: string;
  exifTransposedRgb?: string;
  shared?: boolean;
}

interface Reference {
  versions: Record<string, string>;
  processorClass: string;
  processorConfig: { size: { height: number; width: number }; resample: number; rescaleFactor: number; imageMean: number[]; imageStd: number[] };
  decode: Record<string, DecodeReference>;
  resize: {
    noise: { input: string; width: number; height: number; expected: string }[];
    pattern: { width: number; height: number; cases: { width: number; height: number; sha256: string; expected?: string }[] };
  };
  photos: Record<string, PhotoReference>;
}

export const reference: Reference = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8'));

export function fixturePath(relative: string): string {
  return join(FIXTURES, relative);
}

/** Reads a fixture PNG as RGB bytes, taking the stored values as they are (no ICC conversion). */
export async function readRgbPng(path: string): Promise<RgbImage> {
  const { data, info } = await sharp(path, { ignoreIcc: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${path} has ${info.channels} channels; fixtures are RGB`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

export interface ByteDifference {
  max: number;
  mean: number;
  /** Number of bytes that differ. */
  differing: number;
}

export function compareBytes(actual: Uint8Array, expected: Uint8Array): ByteDifference {
  if (actual.length !== expected.length) throw new Error(`lengths differ: ${actual.length} vs ${expected.length}`);
  let max = 0;
  let sum = 0;
  let differing = 0;
  for (let i = 0; i < actual.length; i++) {
    const difference = Math.abs(actual[i] - expected[i]);
    if (difference > 0) differing++;
    sum += difference;
    if (difference > max) max = difference;
  }
  return { max, mean: sum / actual.length, differing };
}

/**
 * A 2000 × 1500 high-frequency RGB pattern, the same bytes as pattern_image() in the reference script;
 * too large to commit, cheap to rebuild.
 */
export function patternImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      data[p] = (x * x * 3 + x * y * 7 + (x ^ y)) & 255;
      data[p + 1] = (x * 13 + y * 5 + ((x * y) >> 3)) & 255;
      data[p + 2] = ((x ^ (y * 3)) * 11 + 17) & 255;
    }
  }
  return { data, width, height };
}

/** Builds one PNG chunk: length, type, data and the CRC-32 of type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Inserts a chunk right after a PNG's IHDR chunk (8-byte signature + 25-byte IHDR). */
export function insertPngChunk(png: Buffer, type: string, data: Buffer): Buffer {
  const afterHeader = 8 + 25;
  return Buffer.concat([png.subarray(0, afterHeader), pngChunk(type, data), png.subarray(afterHeader)]);
}

/** Builds a 68-byte PNG whose header claims width × height RGB pixels and whose pixel data is a few zero bytes. */
export function pngHeaderOnly(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(Buffer.alloc(10))), pngChunk('IEND', Buffer.alloc(0))]);
}
