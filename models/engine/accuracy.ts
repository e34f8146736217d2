/**
 * Accuracy of a variant against the baseline on one image, as stored with every result: caption
 * agreement (exact match, token F1, BLEU-4) and next-token drift measured by teacher forcing both
 * models on the baseline's own tokens.
 */
import { bleu4, distributionDrift, exactMatch, tokenF1 } from '../metrics/index.js';
import type { Captioner } from './captioner.js';
import type { CaptionResult, ImageInput } from './types.js';

export interface AccuracyAgainstBaseline {
  baselineCaption: string;
  exactMatch: boolean;
  tokenF1: number;
  bleu4: number;
  top1Agreement: number;
  meanKl: number;
  /** Generated positions compared by the drift measures. */
  positions: number;
}

export async function accuracyAgainstBaseline(
  baseline: Captioner,
  variant: Captioner,
  image: ImageInput,
  variantCaption: CaptionResult,
  promptLength: number,
  prompt?: string,
): Promise<AccuracyAgainstBaseline> {
  const reference = await baseline.caption(image, { prompt });
  const [baselineLogits, variantLogits] = await Promise.all([
    baseline.teacherForce(image, reference.tokenIds, promptLength),
    variant.teacherForce(image, reference.tokenIds, promptLength),
  ]);
  const drift = distributionDrift(baselineLogits, variantLogits, baseline.config.text.vocabSize);
  return {
    baselineCaption: reference.caption,
    exactMatch: exactMatch(variantCaption.caption, reference.caption),
    tokenF1: tokenF1(variantCaption.caption, reference.caption),
    bleu4: bleu4(variantCaption.caption, [reference.caption]),
    top1Agreement: drift.top1Agreement,
    meanKl: drift.meanKl,
    positions: drift.positions,
  };
}
