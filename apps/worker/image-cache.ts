/**
 * Image bytes kept in the worker between jobs. Images are stored by content and never change, so
 * a sweep's many jobs on one image read it from Postgres once. The least recently used images are
 * dropped beyond `maxBytes`.
 */
import type { PrismaClient } from '../platform/db/client.js';
import { readImageContent } from '../platform/services/images.js';

export interface CachedImage {
  content: Buffer;
  format: string;
}

export class ImageCache {
  private readonly entries = new Map<string, CachedImage>();
  private bytes = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly maxBytes: number,
  ) {}

  /** Returns the image's bytes, or null when no image has this id. */
  async read(id: string): Promise<CachedImage | null> {
    const cached = this.entries.get(id);
    if (cached) {
      this.entries.delete(id);
      this.entries.set(id, cached);
      return cached;
    }
    const image = await readImageContent(this.prisma, id);
    if (!image) return null;
    this.entries.set(id, image);
    this.bytes += image.content.length;
    for (const [oldestId, oldest] of this.entries) {
      if (this.bytes <= this.maxBytes || oldestId === id) break;
      this.entries.delete(oldestId);
      this.bytes -= oldest.content.length;
    }
    return image;
  }
}
