/** Public types of the image preprocessing: what the engine and the API's image store see. */

/** Header facts of an image file, read without decoding its pixels. */
export interface ImageInfo {
  /** Hex SHA-256 of the file bytes. */
  sha256: string;
  /** File size in bytes. */
  bytes: number;
  /** Decoder that reads the file, as sharp names it: jpeg, png, webp, gif, tiff or heif (AVIF). */
  format: string;
  /** Width in pixels after EXIF orientation, i.e. of the image the engine decodes. */
  width: number;
  /** Height in pixels after EXIF orientation, of one page for multi-page files. */
  height: number;
  /** Number of frames or pages; the engine uses only the first. */
  pages: number;
  hasAlpha: boolean;
  /** Colour space as libvips names it, e.g. srgb, b-w, cmyk, rgb16, grey16. */
  space: string;
  /** EXIF orientation tag, 1 (upright) to 8; 1 when the file has none. */
  orientation: number;
}

/** Options shared by every function that opens an image. */
export interface ImageSourceOptions {
  /**
   * Largest accepted width × height, checked from the header before any pixel is decoded,
   * so that a small file claiming a huge size (a decompression bomb) is rejected cheaply.
   * Default 100 000 000 (100 megapixels).
   */
  maxPixels?: number;
  /** Name used in error messages for Buffer inputs. Default "uploaded image"; paths name themselves. */
  name?: string;
}

/**
 * Treatment of an alpha channel.
 * - `drop`: keep the stored RGB values and discard alpha, as Pillow's `convert("RGB")` does
 *   (and transformers' convert_to_rgb at commit 000593ad, 5.x development).
 * - `white`: composite onto opaque white with Pillow's `alpha_composite` arithmetic, as
 *   transformers 5.25's `convert_to_rgb` does for images with alpha or PNG transparency.
 */
export type AlphaMode = 'drop' | 'white';

export interface DecodeOptions extends ImageSourceOptions {
  /** Default `drop`. */
  alpha?: AlphaMode;
}

/** An 8-bit RGB image, pixels interleaved row by row (HWC). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Resize method.
 * - `pil-bicubic`: this package's re-implementation of Pillow's BICUBIC resize, byte-identical to it.
 * - `sharp-cubic`: libvips' cubic (Catmull-Rom) kernel through sharp; faster, a few levels off.
 */
export type ResampleMethod = 'pil-bicubic' | 'sharp-cubic';

/** Settings of BlipImageProcessor that change pixel_values; see loadPreprocessorConfig. */
export interface PreprocessorConfig {
  doResize: boolean;
  /** Output size in pixels; the aspect ratio is not kept, as in BlipImageProcessor. */
  size: { height: number; width: number };
  doRescale: boolean;
  rescaleFactor: number;
  doNormalize: boolean;
  imageMean: readonly [number, number, number];
  imageStd: readonly [number, number, number];
}

/**
 * Options of one preprocessing call: any PreprocessorConfig field overrides BlipImageProcessor's default,
 * so a config from loadPreprocessorConfig can be passed as the options object itself.
 */
export interface PreprocessOptions extends Partial<PreprocessorConfig>, DecodeOptions {
  /** Default `pil-bicubic`. */
  resample?: ResampleMethod;
}

/** Time spent in each preprocessing step, in milliseconds. */
export interface PreprocessTimingsMs {
  /** Reading the file, decoding, EXIF orientation and conversion to RGB. */
  decode: number;
  resize: number;
  /** Rescale, normalize and the HWC to CHW transpose. */
  normalize: number;
  total: number;
}

export interface PreprocessResult {
  /** BLIP's pixel_values, float32 laid out as [1, 3, height, width] (CHW). */
  pixelValues: Float32Array;
  /** Shape of pixelValues: [1, 3, output height, output width]. */
  dims: readonly [1, 3, number, number];
  /** Width of the decoded image after EXIF orientation, before resizing. */
  width: number;
  /** Height of the decoded image after EXIF orientation, before resizing. */
  height: number;
  timingsMs: PreprocessTimingsMs;
}
