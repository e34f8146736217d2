/** Word-level differences between a baseline caption and a variant's, by longest common subsequence. */

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/**
 * Splits both captions on whitespace and returns the variant's words in order, with the baseline's
 * missing words as "removed" parts where they would have stood.
 */
export function diffWords(baseline: string, variant: string): DiffPart[] {
  const a = baseline.split(/\s+/).filter(Boolean);
  const b = variant.split(/\s+/).filter(Boolean);
  // common[i][j]: length of the longest common subsequence of a[i:] and b[j:].
  const common: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      common[i][j] = a[i] === b[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart['kind'], text: string) => {
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += ` ${text}`;
    else parts.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      push('same', a[i]);
      i += 1;
      j += 1;
    } else if (i < a.length && (j >= b.length || common[i + 1][j] >= common[i][j + 1])) {
      // A removed word is listed before the word that replaced it, as unified diffs do.
      push('removed', a[i]);
      i += 1;
    } else {
      push('added', b[j]);
      j += 1;
    }
  }
  return parts;
}
