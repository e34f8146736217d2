/** Text generation for BLIP's decoder: greedy search, beam search and sampling over a DecoderStep. */
export type {
  DecoderStep,
  DecodingOptions,
  DecodingStrategy,
  EarlyStopping,
  GenerationOutput,
  ResolvedDecodingOptions,
} from './types.js';
export { generate } from './generate.js';
export { DEFAULT_MAX_NEW_TOKENS } from './length-limits.js';
export {
  decodingSchema,
  parseDecodingOptions,
  DecodingOptionsError,
  DECODING_DEFAULTS,
  MAX_NUM_BEAMS,
  MAX_SEQUENCE_LENGTH,
} from './decoding-schema.js';
