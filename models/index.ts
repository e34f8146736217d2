/**
 * The BLIP engine's public surface: what apps/ may import. onnxruntime, sharp and the checkpoint
 * readers stay behind it.
 */
export type { CaptionOptions, CaptionResult, ImageInput, StageTimingsMs } from './engine/types.js';
export { loadCaptioner, decoderPrompt, type Captioner, type LoadCaptionerOptions, type VariantBuild } from './engine/captioner.js';
export { accuracyAgainstBaseline, type AccuracyAgainstBaseline } from './engine/accuracy.js';
export { ModelError, VariantError } from './engine/errors.js';
export { onnxruntimeVersion } from './engine/onnx-session.js';
export { loadBlipConfig, type BlipConfig } from './blip/config.js';
export { buildPresetModel, presetConfig, PRESETS, type Preset } from './sources/presets.js';
export { fetchFromHub } from './sources/hub.js';
export { inspectImage, ImageInputError, ACCEPTED_FORMATS, DEFAULT_MAX_PIXELS } from './preprocess/index.js';
export {
  BASELINE_VARIANT,
  buildHash,
  canonicalJson,
  MAX_PRUNING_AMOUNT,
  parseVariant,
  variantHash,
  variantSchema,
  type Variant,
  type VariantInput,
} from './variants/spec.js';
export { checkQuantization } from './variants/quantization/index.js';
export { checkVariantForModel } from './variants/check-for-model.js';
export type { VariantBuildReport } from './variants/build-report.js';
export { bleu4, ciderD, exactMatch, tokenF1 } from './metrics/index.js';
