/**
 * A deterministic DecoderStep for tests: each row's logits are a fixed pseudo-random table indexed by the
 * row's last two tokens. test/reference/generation_reference.py computes the same table in Python, bit for bit,
 * so transformers' generate can be run on it.
 */
import type { DecoderStep } from '../../models/generation/index.js';

export interface ToyTable {
  vocabSize: number;
  /** Selects one of many tables. */
  seed: number;
  eosTokenId: number;
  /** Added to the stop token's logit, to make captions end sooner (positive) or later (negative). */
  eosBias: number;
}

/** Stands for "no token" when a row contains a single token. */
const NO_TOKEN = 0xffff;

/** Mixes the bits of a 32-bit integer (the "lowbias32" constants); every step is exact modulo 2**32 in both languages. */
function mix(input: number): number {
  let value = input >>> 0;
  value ^= value >>> 16;
  value = Math.imul(value, 0x7feb352d);
  value ^= value >>> 15;
  value = Math.imul(value, 0x846ca68b);
  value ^= value >>> 16;
  return value >>> 0;
}

/** Logits of the next token after `tokens`: uniform in [-4, 4) from a hash of (seed, previous, last, token). */
export function toyLogits(table: ToyTable, tokens: readonly number[]): Float32Array {
  const last = tokens[tokens.length - 1];
  const previous = tokens.length >= 2 ? tokens[tokens.length - 2] : NO_TOKEN;
  const context = mix(mix(mix(table.seed) ^ previous) ^ last);
  const logits = new Float32Array(table.vocabSize);
  for (let token = 0; token < table.vocabSize; token++) {
    let value = (mix(context ^ token) / 4294967296) * 8 - 4;
    if (token === table.eosTokenId) value += table.eosBias;
    logits[token] = value;
  }
  return logits;
}

/**
 * A DecoderStep whose "cache" is each row's token history and whose logits are a pure function of that
 * history, so that a missing or wrong reorder changes the logits. It checks the interface contract and
 * counts the calls.
 */
export class HistoryDecoder implements DecoderStep {
  readonly vocabSize: number;
  readonly #logitsOf: (tokens: readonly number[]) => Float32Array;
  rows: number[][] = [];
  stepCalls = 0;
  reorderCalls = 0;
  /** Tokens fed per row in each step call. */
  readonly fedCounts: number[] = [];

  constructor(vocabSize: number, logitsOf: (tokens: readonly number[]) => Float32Array) {
    this.vocabSize = vocabSize;
    this.#logitsOf = logitsOf;
  }

  async step(tokens: number[][]): Promise<Float32Array> {
    if (this.stepCalls === 0 && this.rows.length === 0) {
      this.rows = tokens.map(() => []);
    }
    if (tokens.length !== this.rows.length) {
      throw new Error(`step got ${tokens.length} rows but the cache has ${this.rows.length}`);
    }
    const count = tokens[0].length;
    if (count === 0 || tokens.some((row) => row.length !== count)) {
      throw new Error('step must feed the same non-zero number of tokens to every row');
    }
    this.stepCalls++;
    this.fedCounts.push(count);

    const logits = new Float32Array(tokens.length * this.vocabSize);
    tokens.forEach((row, index) => {
      this.rows[index].push(...row);
      logits.set(this.#logitsOf(this.rows[index]), index * this.vocabSize);
    });
    return logits;
  }

  reorder(rows: number[]): void {
    if (rows.some((row) => !Number.isInteger(row) || row < 0 || row >= this.rows.length)) {
      throw new Error(`reorder got rows ${rows.join(',')} but the cache has ${this.rows.length}`);
    }
    this.reorderCalls++;
    this.rows = rows.map((row) => [...this.rows[row]]);
  }
}

/** Creates a HistoryDecoder over the toy table. */
export function toyDecoder(table: ToyTable): HistoryDecoder {
  return new HistoryDecoder(table.vocabSize, (tokens) => toyLogits(table, tokens));
}
