/**
 * Reads an image file or buffer and its header through sharp, and rejects what the engine cannot use
 * (missing, empty, not an accepted format, too many pixels) before any pixel is decoded.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp, { type Metadata, type SharpOptions } from 'sharp';
import type { ImageInput } from '../engine/types.js';
import { ImageInputError } from './image-input-error.js';
import type { ImageInfo, ImageSourceOptions } from './types.js';

export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Formats the engine decodes, by sharp's format id. HEIF files decode only when AVIF-coded (sharp's prebuilt libheif). */
export const ACCEPTED_FORMATS: Readonly<Record<string, string>> = Object.freeze({
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
  tiff: 'TIFF',
  heif: 'AVIF',
});

const ACCEPTED_LIST = Object.values(ACCEPTED_FORMATS).join(', ');

/** An image's bytes with its header, checked against the accepted formats and the pixel limit. */
export interface OpenedImage {
  /** File path as given, or the caller's label for a buffer. */
  source: string;
  bytes: Buffer;
  metadata: Metadata;
  maxPixels: number;
}

/** Label of an input in error messages. */
export function describeInput(input: ImageInput, name?: string): string {
  return typeof input === 'string' ? input : (name ?? 'uploaded image');
}

/** Reads the bytes and header of an image and applies every check that does not need the pixels. */
export async function openImage(input: ImageInput, options: ImageSourceOptions = {}): Promise<OpenedImage> {
  const maxPixels = resolveMaxPixels(options.maxPixels);
  const source = describeInput(input, options.name);
  const bytes = await readImageBytes(input, source);
  const metadata = await readMetadata(bytes, source);
  assertPixelLimit(metadata, maxPixels, source);
  return { source, bytes, metadata, maxPixels };
}

/** Reads the header facts the API's image store keeps, without decoding the pixels. */
export async function inspectImage(input: ImageInput, options: ImageSourceOptions = {}): Promise<ImageInfo> {
  const { bytes, metadata } = await openImage(input, options);
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    format: metadata.format,
    width: metadata.autoOrient.width,
    height: metadata.autoOrient.height,
    pages: metadata.pages ?? 1,
    hasAlpha: metadata.hasAlpha,
    space: metadata.space,
    orientation: metadata.orientation ?? 1,
  };
}

/** Options for every sharp decoder call; the pixel limit is enforced by libvips as well as by assertPixelLimit. */
export function decoderOptions(maxPixels: number): SharpOptions {
  return {
    // Pillow raises on a truncated file (unless LOAD_TRUNCATED_IMAGES is set) but accepts files with
    // recoverable warnings; 'truncated' is the libvips level that matches, where 'none' would fill
    // the missing rows with grey and 'warning' would reject files Pillow reads.
    failOn: 'truncated',
    limitInputPixels: maxPixels,
    // The first frame or page only, as Pillow's Image.open shows it.
    pages: 1,
    page: 0,
  };
}

function resolveMaxPixels(maxPixels: number | undefined): number {
  if (maxPixels === undefined) return DEFAULT_MAX_PIXELS;
  if (!Number.isSafeInteger(maxPixels) || maxPixels < 1) {
    throw new RangeError(`maxPixels must be a positive integer number of pixels, got ${maxPixels}`);
  }
  return maxPixels;
}

async function readImageBytes(input: ImageInput, source: string): Promise<Buffer> {
  if (typeof input !== 'string' && !Buffer.isBuffer(input)) {
    throw new TypeError(`image input must be a file path or a Buffer, got ${typeof input}`);
  }
  let bytes: Buffer;
  if (typeof input === 'string') {
    try {
      bytes = await readFile(input);
    } catch (error) {
      throw fileReadError(error, source);
    }
  } else {
    bytes = input;
  }
  if (bytes.length === 0) {
    throw new ImageInputError('empty', source, `${source} is empty (0 bytes); expected an image file (${ACCEPTED_LIST}).`);
  }
  return bytes;
}

function fileReadError(error: unknown, source: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new ImageInputError('missing', source, `Image file not found: ${source}. Check the path.`, { cause: error });
  }
  if (code === 'EISDIR') {
    return new ImageInputError('unreadable', source, `${source} is a directory, not an image file.`, { cause: error });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new ImageInputError('unreadable', source, `Image file ${source} cannot be read: permission denied.`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

async function readMetadata(bytes: Buffer, source: string): Promise<Metadata> {
  let metadata: Metadata;
  try {
    // No pixel limit here: the header read allocates no pixels, and assertPixelLimit reports the size.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageInputError(
      'unsupported-format',
      source,
      `${source} is not an image in an accepted format (${ACCEPTED_LIST}): ${(error as Error).message}.`,
      { cause: error },
    );
  }
  if (!(metadata.format in ACCEPTED_FORMATS)) {
    throw new ImageInputError(
      'unsupported-format',
      source,
      `${source} is in ${metadata.format.toUpperCase()} format, which the engine does not decode; accepted formats are ${ACCEPTED_LIST}.`,
    );
  }
  return metadata;
}

function assertPixelLimit(metadata: Metadata, maxPixels: number, source: string): void {
  const pixels = metadata.width * metadata.height;
  if (pixels > maxPixels) {
    throw new ImageInputError(
      'too-large',
      source,
      `${source} is ${metadata.width}×${metadata.height} pixels (${formatMegapixels(pixels)}), ` +
        `above the limit of ${formatMegapixels(maxPixels)}; downscale it or raise maxPixels.`,
    );
  }
}

function formatMegapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} megapixels`;
}
