/**
 * Caption agreement measures between a variant's caption and a reference (the baseline's caption or
 * a human one): exact match, token-level F1 and BLEU-4. Captions are compared as lower-cased word
 * tokens with punctuation split off, the usual COCO-style tokenization.
 */

export function captionTokens(caption: string): string[] {
  return caption
    .toLowerCase()
    .replace(/([.,!?;:"()])/g, ' $1 ')
    .split(/\s+/)
    .filter((token) => token.length > 0);
}

function counts(tokens: readonly string[], n: number): Map<string, number> {
  const grams = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0000');
    grams.set(key, (grams.get(key) ?? 0) + 1);
  }
  return grams;
}

export function exactMatch(candidate: string, reference: string): boolean {
  return captionTokens(candidate).join(' ') === captionTokens(reference).join(' ');
}

/** Token F1 over bags of words (SQuAD-style): 1 when both are empty, 0 when only one is. */
export function tokenF1(candidate: string, reference: string): number {
  const a = captionTokens(candidate);
  const b = captionTokens(reference);
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  const referenceCounts = counts(b, 1);
  let common = 0;
  for (const [gram, count] of counts(a, 1)) common += Math.min(count, referenceCounts.get(gram) ?? 0);
  if (common === 0) return 0;
  const precision = common / a.length;
  const recall = common / b.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * Sentence BLEU-4 against one or more references: clipped n-gram precisions for n = 1..4, geometric
 * mean, brevity penalty against the closest reference length. Precisions of zero are smoothed by
 * adding 1 to numerator and denominator for n > 1 (Lin and Och's "add-one" smoothing), so short
 * captions get a finite, comparable score instead of 0; an empty candidate scores 0.
 */
export function bleu4(candidate: string, references: readonly string[]): number {
  const hypothesis = captionTokens(candidate);
  const refs = references.map(captionTokens);
  if (hypothesis.length === 0 || refs.length === 0) return 0;
  let logSum = 0;
  for (let n = 1; n <= 4; n++) {
    const hypothesisCounts = counts(hypothesis, n);
    const maxReferenceCounts = new Map<string, number>();
    for (const ref of refs) for (const [gram, count] of counts(ref, n)) maxReferenceCounts.set(gram, Math.max(count, maxReferenceCounts.get(gram) ?? 0));
    let matched = 0;
    let total = 0;
    for (const [gram, count] of hypothesisCounts) {
      matched += Math.min(count, maxReferenceCounts.get(gram) ?? 0);
      total += count;
    }
    const precision = n === 1 ? (total === 0 ? 0 : matched / total) : (matched + 1) / (total + 1);
    if (precision === 0) return 0;
    logSum += Math.log(precision) / 4;
  }
  const closest = refs.map((ref) => ref.length).reduce((best, length) => (Math.abs(length - hypothesis.length) < Math.abs(best - hypothesis.length) || (Math.abs(length - hypothesis.length) === Math.abs(best - hypothesis.length) && length < best) ? length : best));
  const brevity = hypothesis.length >= closest ? 1 : Math.exp(1 - closest / hypothesis.length);
  return brevity * Math.exp(logSum);
}

export { counts as ngramCounts };
