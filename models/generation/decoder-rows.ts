import type { DecoderStep } from './types.js';

/** Calls DecoderStep.step and checks that it returned rows × vocabSize logits. */
export async function stepRows(decoder: DecoderStep, tokens: number[][]): Promise<Float32Array> {
  const logits = await decoder.step(tokens);
  const expected = tokens.length * decoder.vocabSize;
  if (!(logits instanceof Float32Array) || logits.length !== expected) {
    const got = logits instanceof Float32Array ? `${logits.length} values` : typeof logits;
    throw new RangeError(
      `DecoderStep.step returned ${got} for ${tokens.length} row(s); expected a Float32Array of ${expected} (rows × vocabSize ${decoder.vocabSize}).`,
    );
  }
  return logits;
}

/** Returns one row of a row-major logits matrix, without copying. */
export function logitsRow(logits: Float32Array, row: number, vocabSize: number): Float32Array {
  return logits.subarray(row * vocabSize, (row + 1) * vocabSize);
}
