import type { LogitsProcessor } from './logits-processor.js';

/**
 * transformers' NoRepeatNGramLogitsProcessor: bans (sets to -Infinity) each token that would complete an n-gram
 * already present in the sequence. The last n-1 tokens are matched against every earlier window of n tokens,
 * prompt included; with n = 1 every token seen so far is banned.
 */
export function noRepeatNgram(size: number): LogitsProcessor {
  return (tokens, scores) => {
    const length = tokens.length;
    if (length < size) return;

    const prefixStart = length - size + 1;
    for (let start = 0; start + size <= length; start++) {
      let matches = true;
      for (let offset = 0; offset < size - 1; offset++) {
        if (tokens[start + offset] !== tokens[prefixStart + offset]) {
          matches = false;
          break;
        }
      }
      const banned = tokens[start + size - 1];
      if (matches && banned >= 0 && banned < scores.length) scores[banned] = -Infinity;
    }
  };
}
