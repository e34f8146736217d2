import { logitsRow, stepRows } from '../decoder-rows.js';
import type { LengthLimits } from '../length-limits.js';
import type { DecoderStep, GenerationOutput } from '../types.js';

/** Picks the next token of a row from its tokens so far and the logits of its last position. */
export type TokenChooser = (tokens: readonly number[], logits: Float32Array) => number;

/**
 * Runs the decoding loop of greedy search and sampling for one prompt, as transformers' _sample runs it: one decoder
 * call per new token, stopping after the stop token or when the sequence reaches limits.maxLength.
 */
export async function searchOneRow(
  decoder: DecoderStep,
  prompt: readonly number[],
  limits: LengthLimits,
  eosTokenId: number,
  chooseToken: TokenChooser,
): Promise<GenerationOutput> {
  const tokens = [...prompt];
  let logits = await stepRows(decoder, [[...prompt]]);
  let steps = 1;

  for (;;) {
    const next = chooseToken(tokens, logitsRow(logits, 0, decoder.vocabSize));
    tokens.push(next);
    if (next === eosTokenId || tokens.length >= limits.maxLength) break;
    logits = await stepRows(decoder, [[next]]);
    steps++;
  }
  return { tokenIds: tokens, newTokens: tokens.length - prompt.length, steps };
}
