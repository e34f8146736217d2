/**
 * Checks a variant against a model's shapes before any job is queued: what the spec schema cannot
 * know without the model (heads and neurons left per layer, block sizes against widths, lengths
 * against the decoder's positions). Each problem names the field and what would be right.
 */
import type { BlipConfig } from '../blip/config.js';
import { VariantError } from '../engine/errors.js';
import { roundHalfToEven } from './pruning/l1-unstructured.js';
import { checkQuantization } from './quantization/index.js';
import type { Variant } from './spec.js';

export interface LengthRequest {
  /** Generated tokens a job forces (benchmarks), if any. */
  forceNewTokens?: number | null;
}

function checkStructured(variant: Variant, config: BlipConfig): void {
  variant.pruning.forEach((step, index) => {
    if (step.method === 'l1-unstructured' || step.amount === 0) return;
    const groups =
      step.method === 'heads'
        ? [
            ...(step.targets !== 'text' ? [{ what: 'vision attention heads', count: config.vision.numHeads }] : []),
            ...(step.targets !== 'vision' ? [{ what: 'text attention heads', count: config.text.numHeads }] : []),
          ]
        : [
            ...(step.targets !== 'text' ? [{ what: 'vision feed-forward neurons', count: config.vision.intermediateSize }] : []),
            ...(step.targets !== 'vision' ? [{ what: 'text feed-forward neurons', count: config.text.intermediateSize }] : []),
          ];
    for (const { what, count } of groups) {
      if (roundHalfToEven(step.amount * count) >= count) {
        throw new VariantError(`pruning[${index}].amount ${step.amount} removes all ${count} ${what} of each layer; use an amount below ${((count - 0.5) / count).toFixed(3)}`);
      }
    }
  });
}

function checkLengths(variant: Variant, config: BlipConfig, request: LengthRequest): void {
  const positions = config.text.maxPositions;
  const { maxNewTokens, maxLength } = variant.decoding;
  // One position always goes to the decoder start token [DEC].
  const limits: [string, number | undefined | null][] = [
    ['decoding.maxNewTokens', maxNewTokens === undefined ? undefined : maxNewTokens + 1],
    ['decoding.maxLength', maxLength],
    ['forceNewTokens', request.forceNewTokens === undefined || request.forceNewTokens === null ? undefined : request.forceNewTokens + 1],
  ];
  for (const [field, total] of limits) {
    if (total !== undefined && total !== null && total > positions) {
      throw new VariantError(`${field} asks for ${total} decoder positions, more than the model's ${positions}; use at most ${positions - 1} new tokens`);
    }
  }
  if (variant.prompt !== undefined) {
    // A WordPiece token covers at least one character, so a prompt needs at most one token per character
    // and at least one per word: a prompt with more words than positions can never fit.
    const words = variant.prompt.trim().split(/\s+/).length;
    if (words + 1 > positions) throw new VariantError(`prompt has ${words} words, more than the model's ${positions - 1} positions for prompt and caption; shorten the prompt`);
  }
}

/** Throws VariantError naming the field when the variant cannot run on a model with this config. */
export function checkVariantForModel(variant: Variant, config: BlipConfig, request: LengthRequest = {}): void {
  checkStructured(variant, config);
  checkQuantization(variant.quantization, config);
  checkLengths(variant, config, request);
}
