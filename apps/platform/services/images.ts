/**
 * Images stored by content in Postgres, so that a worker on any host reads the same bytes. The id
 * is the first 16 hex digits of the SHA-256, so the same bytes uploaded twice get the same id.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

import { ImageInputError, inspectImage } from '../../../models/index.js';
import { decodeImage } from '../../../models/preprocess/index.js';
import type { PrismaClient } from '../db/client.js';
import { HttpError } from '../errors.js';

const SAMPLE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff']);
export const SAMPLE_PREFIX = 'sample:';

export interface StoredImage {
  id: string;
  sha256: string;
  bytes: number;
  format: string;
  width: number;
  height: number;
  name: string | null;
  createdAt: Date;
}

const IMAGE_FIELDS = { id: true, sha256: true, bytes: true, format: true, width: true, height: true, name: true, createdAt: true } as const;

/** HTTP status for each engine image problem: too large is 413, an unusable file 415 or 422. */
function statusOf(error: ImageInputError): number {
  if (error.problem === 'too-large') return 413;
  if (error.problem === 'unsupported-format') return 415;
  return 422;
}

/** Stores `content` unless the same bytes are stored already; throws HttpError for a file that is not a usable image. */
export async function storeImage(prisma: PrismaClient, content: Buffer, name: string | null): Promise<{ image: StoredImage; created: boolean }> {
  let info;
  try {
    info = await inspectImage(content, { name: name ?? 'uploaded image' });
    // The header alone does not show a truncated or corrupt file: decode it once, as every job would.
    await decodeImage(content, { name: name ?? 'uploaded image' });
  } catch (error) {
    if (error instanceof ImageInputError) throw new HttpError(statusOf(error), `image_${error.problem.replace(/-/g, '_')}`, error.message);
    throw error;
  }
  const existing = await prisma.image.findUnique({ where: { sha256: info.sha256 }, select: IMAGE_FIELDS });
  if (existing) return { image: existing, created: false };
  const data = { id: info.sha256.slice(0, 16), sha256: info.sha256, bytes: info.bytes, format: info.format, width: info.width, height: info.height, name, content: new Uint8Array(content) };
  await prisma.image.createMany({ data: [data], skipDuplicates: true });
  const image = await prisma.image.findUniqueOrThrow({ where: { sha256: info.sha256 }, select: IMAGE_FIELDS });
  return { image, created: true };
}

/** File names of the shared sample photos, or [] when the folder does not exist. */
export function listSamples(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => SAMPLE_EXTENSIONS.has(extname(file).toLowerCase()))
    .sort();
}

/** Stores a sample photo by file name; throws HttpError 404 listing the samples when it does not exist. */
export async function importSample(prisma: PrismaClient, sampleDir: string, file: string, field = 'image'): Promise<StoredImage> {
  const samples = listSamples(sampleDir);
  if (!samples.includes(file)) {
    throw new HttpError(404, 'unknown_sample', `${field}: unknown sample "${file}"; samples in ${sampleDir}: ${samples.join(', ') || 'none'}`);
  }
  const { image } = await storeImage(prisma, await readFile(join(sampleDir, file)), file);
  return image;
}

/**
 * Resolves image references (an id or "sample:<file>") to stored images, importing samples on
 * demand; throws HttpError 404 naming the field of the first unknown reference.
 */
export async function resolveImages(prisma: PrismaClient, sampleDir: string, refs: readonly string[], field: string, indexed = true): Promise<StoredImage[]> {
  const resolved: StoredImage[] = [];
  for (const [index, ref] of refs.entries()) {
    const label = indexed ? `${field}[${index}]` : field;
    if (ref.startsWith(SAMPLE_PREFIX)) {
      resolved.push(await importSample(prisma, sampleDir, ref.slice(SAMPLE_PREFIX.length), label));
      continue;
    }
    const image = await prisma.image.findFirst({ where: ref.length === 64 ? { sha256: ref } : { id: ref }, select: IMAGE_FIELDS });
    if (!image) throw new HttpError(404, 'unknown_image', `${label}: unknown image id "${ref}"; upload it with POST /v1/images or use "sample:<file name>"`);
    resolved.push(image);
  }
  return resolved;
}

export function listImages(prisma: PrismaClient, limit: number, cursor?: string): Promise<StoredImage[]> {
  return prisma.image.findMany({ select: IMAGE_FIELDS, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}) });
}

export function findImage(prisma: PrismaClient, id: string): Promise<StoredImage | null> {
  return prisma.image.findUnique({ where: { id }, select: IMAGE_FIELDS });
}

export async function readImageContent(prisma: PrismaClient, id: string): Promise<{ content: Buffer; format: string } | null> {
  const row = await prisma.image.findUnique({ where: { id }, select: { content: true, format: true } });
  return row ? { content: Buffer.from(row.content), format: row.format } : null;
}
