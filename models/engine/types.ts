/**
 * Public types of the BLIP engine: what the CLI, the worker and the API see of a loaded model.
 * The implementation lives beside this file; nothing outside models/ touches onnxruntime directly.
 */

/** Time spent in each stage of one caption, in milliseconds. */
export interface StageTimingsMs {
  /** Decode, orient, convert, resize and normalize the image. */
  preprocess: number;
  /** One run of the vision encoder graph, cross-attention keys and values included. */
  visionEncoder: number;
  /** Every decoder step, from the first prompt token to the stop token. */
  decoder: number;
  /** decoder divided by the number of decoder steps. */
  decoderPerToken: number;
  /** Wall time of the whole caption call. */
  total: number;
}

/** Options of one caption call; unset fields take the checkpoint's generation defaults. */
export interface CaptionOptions {
  /** Text that conditions the caption, e.g. "a picture of"; it is part of the output text, as in transformers. */
  prompt?: string;
  /** Maximum number of tokens generated after the prompt. */
  maxNewTokens?: number;
  /** Generate exactly this many tokens, ignoring the stop token, so that timed runs do equal work. */
  forceNewTokens?: number;
}

/** The result of one caption call. */
export interface CaptionResult {
  caption: string;
  /** Every token id of the output, starting with the decoder start token, prompt included. */
  tokenIds: number[];
  /** Leading tokens of tokenIds that were fed, not generated: [DEC] plus the prompt's words. */
  promptLength: number;
  timingsMs: StageTimingsMs;
}

/** An image as the engine accepts it: a file path or the encoded bytes. */
export type ImageInput = string | Buffer;
