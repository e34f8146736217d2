/**
 * CIDEr-D (Vedantam et al., 2015) of candidate captions against reference captions: TF-IDF weighted
 * n-gram vectors (n = 1..4) compared by cosine similarity with a Gaussian length penalty (σ = 6),
 * candidate counts clipped to the reference counts, averaged over n and references, scaled by 10.
 * Document frequencies come from the references of the whole set, so scores are relative to it.
 */
import { captionTokens, ngramCounts } from './caption-overlap.js';

const SIGMA = 6;

export interface CiderItem {
  candidate: string;
  references: readonly string[];
}

type Vector = { weights: Map<string, number>; norm: number; length: number };

function vector(tokens: string[], n: number, documentFrequency: Map<string, number>, logDocuments: number): Vector {
  const weights = new Map<string, number>();
  let squares = 0;
  for (const [gram, count] of ngramCounts(tokens, n)) {
    const weight = count * (logDocuments - Math.log(Math.max(1, documentFrequency.get(gram) ?? 0)));
    weights.set(gram, weight);
    squares += weight * weight;
  }
  return { weights, norm: Math.sqrt(squares), length: tokens.length };
}

function similarity(candidate: Vector, reference: Vector): number {
  let dot = 0;
  for (const [gram, weight] of candidate.weights) {
    const referenceWeight = reference.weights.get(gram);
    if (referenceWeight !== undefined) dot += Math.min(weight, referenceWeight) * referenceWeight;
  }
  const denominator = candidate.norm * reference.norm;
  const penalty = Math.exp(-((candidate.length - reference.length) ** 2) / (2 * SIGMA * SIGMA));
  return denominator === 0 ? 0 : (dot / denominator) * penalty;
}

/** Returns one CIDEr-D score per item; items without references score 0. */
export function ciderD(items: readonly CiderItem[]): number[] {
  const references = items.map((item) => item.references.map(captionTokens));
  // One document per image: its set of reference n-grams.
  const logDocuments = Math.log(Math.max(1, items.length));
  const frequencies = [1, 2, 3, 4].map((n) => {
    const df = new Map<string, number>();
    for (const refs of references) {
      const seen = new Set<string>();
      for (const ref of refs) for (const gram of ngramCounts(ref, n).keys()) seen.add(gram);
      for (const gram of seen) df.set(gram, (df.get(gram) ?? 0) + 1);
    }
    return df;
  });
  return items.map((item, index) => {
    const refs = references[index];
    if (refs.length === 0) return 0;
    const candidate = captionTokens(item.candidate);
    let total = 0;
    for (let n = 1; n <= 4; n++) {
      const candidateVector = vector(candidate, n, frequencies[n - 1], logDocuments);
      let sum = 0;
      for (const ref of refs) sum += similarity(candidateVector, vector(ref, n, frequencies[n - 1], logDocuments));
      total += sum / refs.length / 4;
    }
    return total * 10;
  });
}
