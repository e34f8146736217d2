import type { LogitsProcessor } from './logits-processor.js';

/**
 * transformers' MinLengthLogitsProcessor: the stop token's score is -Infinity while the sequence, prompt
 * included, is shorter than `minLength`. MinNewTokensLengthLogitsProcessor is the same rule with
 * minLength = prompt length + min_new_tokens, which is how resolveLengthLimits passes it.
 */
export function minLength(minLength: number, eosTokenId: number): LogitsProcessor {
  return (tokens, scores) => {
    if (tokens.length < minLength && eosTokenId < scores.length) scores[eosTokenId] = -Infinity;
  };
}
