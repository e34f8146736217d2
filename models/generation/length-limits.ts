import { MAX_SEQUENCE_LENGTH } from './decoding-schema.js';
import type { ResolvedDecodingOptions } from './types.js';

/**
 * New tokens generated when neither maxLength nor maxNewTokens is set: transformers 5 then generates 20
 * new tokens after the prompt ("by default let's always generate 20 new tokens"), while transformers 4
 * stopped at 20 tokens in total. BLIP's text decoder has no generation config of its own to change it.
 */
export const DEFAULT_MAX_NEW_TOKENS = 20;

/** Total sequence lengths, prompt included, between which generation may stop. */
export interface LengthLimits {
  /** Generation stops when the sequence reaches this length. */
  maxLength: number;
  /** The stop token is masked while the sequence is shorter than this. */
  minLength: number;
}

/**
 * Turns the length options into total lengths the way transformers' _prepare_generated_length does:
 * max_new_tokens wins over max_length and min_new_tokens over min_length, each counted after the prompt.
 * forceNewTokens sets both to the same length, as min_new_tokens = max_new_tokens = N would.
 */
export function resolveLengthLimits(promptLength: number, options: ResolvedDecodingOptions): LengthLimits {
  let maxLength: number;
  let minLength: number;
  if (options.forceNewTokens !== undefined) {
    maxLength = promptLength + options.forceNewTokens;
    minLength = maxLength;
  } else {
    maxLength = options.maxNewTokens !== undefined ? promptLength + options.maxNewTokens : (options.maxLength ?? promptLength + DEFAULT_MAX_NEW_TOKENS);
    minLength = options.minNewTokens !== undefined ? promptLength + options.minNewTokens : options.minLength;
  }

  if (maxLength > MAX_SEQUENCE_LENGTH) {
    throw new RangeError(
      `The prompt (${promptLength} tokens) plus the requested new tokens make ${maxLength} tokens, more than the decoder's ${MAX_SEQUENCE_LENGTH} positions.`,
    );
  }
  if (promptLength >= maxLength) {
    // transformers raises here too: the prompt alone would already be at the limit.
    throw new RangeError(
      `maxLength (${maxLength}) must be greater than the prompt length (${promptLength}); raise maxLength or set maxNewTokens.`,
    );
  }
  return { maxLength, minLength };
}
