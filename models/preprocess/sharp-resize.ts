/**
 * Resizing through sharp (libvips), kept beside the Pillow re-implementation for speed comparisons.
 * libvips' `cubic` is the same Catmull-Rom kernel as Pillow's BICUBIC, but libvips shrinks large
 * reductions in steps and rounds differently, so the bytes differ by a few levels.
 */
import sharp from 'sharp';
import type { RgbImage } from './types.js';

export type SharpKernel = 'cubic' | 'mitchell' | 'lanczos3' | 'lanczos2' | 'linear' | 'nearest';

/** Resizes an RGB image to exactly width × height (aspect ratio not kept) with a libvips kernel. */
export async function resizeWithSharp(image: RgbImage, width: number, height: number, kernel: SharpKernel = 'cubic'): Promise<RgbImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}
