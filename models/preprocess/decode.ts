/**
 * Decodes an image to 8-bit sRGB RGB, the array transformers hands to the resize step:
 * EXIF orientation applied, first frame only, grey replicated, palette expanded, CMYK converted,
 * 16-bit reduced to 8-bit, alpha dropped or composited onto white.
 */
import sharp, { type OutputInfo } from 'sharp';
import type { ImageInput } from '../engine/types.js';
import { compositeOnWhite } from './alpha-composite.js';
import { ImageInputError } from './image-input-error.js';
import { decoderOptions, openImage } from './image-source.js';
import type { DecodeOptions, RgbImage } from './types.js';

/** Decodes an image file or buffer to RGB, HWC, one byte per channel. */
export async function decodeImage(input: ImageInput, options: DecodeOptions = {}): Promise<RgbImage> {
  // transformers 5's convert_to_rgb composites transparent images onto white; the parity target is that version.
  const alpha = options.alpha ?? 'white';
  if (alpha !== 'drop' && alpha !== 'white') {
    throw new RangeError(`alpha must be 'drop' or 'white', got ${JSON.stringify(alpha)}`);
  }
  const { source, bytes, metadata, maxPixels } = await openImage(input, options);

  let pipeline = sharp(bytes, {
    ...decoderOptions(maxPixels),
    // transformers.image_utils.load_image applies ImageOps.exif_transpose; the processor itself does not.
    autoOrient: true,
    // Pillow's convert("RGB") ignores embedded ICC profiles, so RGB and grey values are taken as stored.
    // CMYK has no meaning without a profile: libvips converts it with the embedded profile or its built-in one.
    ignoreIcc: metadata.space !== 'cmyk',
  })
    // Grey is replicated, palettes expanded, CMYK converted and 16-bit samples reduced to 8 bits.
    .toColourspace('srgb');
  const keepAlpha = alpha === 'white' && metadata.hasAlpha;
  if (!keepAlpha) {
    // libvips keeps decoded samples straight (not premultiplied), so dropping the band leaves the stored
    // RGB values of semi-transparent pixels, as Pillow's convert("RGB") does.
    pipeline = pipeline.removeAlpha();
  }

  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new ImageInputError(
      'corrupt',
      source,
      `${source} could not be decoded; it is truncated or corrupt: ${(error as Error).message}.`,
      { cause: error },
    );
  }

  const { data, info } = decoded;
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
  if (keepAlpha && info.channels === 4) {
    return { data: compositeOnWhite(pixels, info.width, info.height), width: info.width, height: info.height };
  }
  if (info.channels !== 3) {
    throw new ImageInputError(
      'unsupported-format',
      source,
      `${source} decoded to ${info.channels} channels in colour space ${metadata.space}; expected 3 (RGB).`,
    );
  }
  return { data: pixels, width: info.width, height: info.height };
}
