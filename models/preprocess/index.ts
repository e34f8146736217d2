/** Image preprocessing of the engine: any image file to BLIP's pixel_values, as BlipImageProcessor (PIL backend) makes them. */
export { preprocessImage } from './preprocess-image.js';
export { DEFAULT_PREPROCESSOR_CONFIG, loadPreprocessorConfig, parsePreprocessorConfig } from './preprocessor-config.js';
export { ACCEPTED_FORMATS, DEFAULT_MAX_PIXELS, inspectImage } from './image-source.js';
export { decodeImage } from './decode.js';
export { resizeBicubicPil } from './pil-bicubic.js';
export { resizeWithSharp, type SharpKernel } from './sharp-resize.js';
export { toPixelValues } from './normalize.js';
export { ImageInputError, type ImageInputProblem } from './image-input-error.js';
export type {
  AlphaMode,
  DecodeOptions,
  ImageInfo,
  ImageSourceOptions,
  PreprocessOptions,
  PreprocessorConfig,
  PreprocessResult,
  PreprocessTimingsMs,
  ResampleMethod,
  RgbImage,
} from './types.js';
