/**
 * The whole image preprocessing of BLIP: decode → resize to a fixed size (aspect ratio not kept) →
 * rescale → normalize → CHW, matching BlipImageProcessor's PIL backend.
 */
import type { ImageInput } from '../engine/types.js';
import { decodeImage } from './decode.js';
import { toPixelValues } from './normalize.js';
import { resizeBicubicPil } from './pil-bicubic.js';
import { DEFAULT_PREPROCESSOR_CONFIG } from './preprocessor-config.js';
import { resizeWithSharp } from './sharp-resize.js';
import type { PreprocessOptions, PreprocessorConfig, PreprocessResult, ResampleMethod, RgbImage } from './types.js';

const RESAMPLE_METHODS: readonly ResampleMethod[] = ['pil-bicubic', 'sharp-cubic'];

/** Merges the options over the defaults and rejects impossible values, naming the field. */
function resolveSettings(options: PreprocessOptions): PreprocessorConfig & { resample: ResampleMethod } {
  const settings = {
    doResize: options.doResize ?? DEFAULT_PREPROCESSOR_CONFIG.doResize,
    size: options.size ?? DEFAULT_PREPROCESSOR_CONFIG.size,
    doRescale: options.doRescale ?? DEFAULT_PREPROCESSOR_CONFIG.doRescale,
    rescaleFactor: options.rescaleFactor ?? DEFAULT_PREPROCESSOR_CONFIG.rescaleFactor,
    doNormalize: options.doNormalize ?? DEFAULT_PREPROCESSOR_CONFIG.doNormalize,
    imageMean: options.imageMean ?? DEFAULT_PREPROCESSOR_CONFIG.imageMean,
    imageStd: options.imageStd ?? DEFAULT_PREPROCESSOR_CONFIG.imageStd,
    resample: options.resample ?? 'pil-bicubic',
  };
  for (const field of ['height', 'width'] as const) {
    const value = settings.size[field];
    if (!Number.isSafeInteger(value) || value < 1 || value > 16384) {
      throw new RangeError(`size.${field} must be an integer from 1 to 16384, got ${value}`);
    }
  }
  if (!(settings.rescaleFactor > 0 && Number.isFinite(settings.rescaleFactor))) {
    throw new RangeError(`rescaleFactor must be a positive finite number, got ${settings.rescaleFactor}`);
  }
  if (settings.imageMean.length !== 3 || !settings.imageMean.every(Number.isFinite)) {
    throw new RangeError(`imageMean must be 3 finite numbers (R, G, B), got ${JSON.stringify(settings.imageMean)}`);
  }
  if (settings.imageStd.length !== 3 || !settings.imageStd.every((value) => Number.isFinite(value) && value > 0)) {
    throw new RangeError(`imageStd must be 3 positive finite numbers (R, G, B), got ${JSON.stringify(settings.imageStd)}`);
  }
  if (!RESAMPLE_METHODS.includes(settings.resample)) {
    throw new RangeError(`resample must be one of ${RESAMPLE_METHODS.join(', ')}, got ${JSON.stringify(settings.resample)}`);
  }
  return settings;
}

/**
 * Turns an image file or buffer into BLIP's pixel_values.
 * Throws ImageInputError for an unusable image and RangeError for an invalid option.
 */
export async function preprocessImage(input: ImageInput, options: PreprocessOptions = {}): Promise<PreprocessResult> {
  const settings = resolveSettings(options);
  const started = performance.now();

  const decoded = await decodeImage(input, { alpha: options.alpha, maxPixels: options.maxPixels, name: options.name });
  const decodedAt = performance.now();

  let resized: RgbImage = decoded;
  if (settings.doResize) {
    const { width, height } = settings.size;
    resized =
      settings.resample === 'pil-bicubic' ? resizeBicubicPil(decoded, width, height) : await resizeWithSharp(decoded, width, height, 'cubic');
  }
  const resizedAt = performance.now();

  const pixelValues = toPixelValues(resized, settings);
  const finished = performance.now();

  return {
    pixelValues,
    dims: [1, 3, resized.height, resized.width],
    width: decoded.width,
    height: decoded.height,
    timingsMs: {
      decode: decodedAt - started,
      resize: resizedAt - decodedAt,
      normalize: finished - resizedAt,
      total: finished - started,
    },
  };
}
