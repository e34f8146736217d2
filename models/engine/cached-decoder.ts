/**
 * The text decoder as a `DecoderStep`: keeps each row's self-attention keys and values between
 * steps, so a new token costs one position, and feeds the image's cross-attention keys and values,
 * computed once per image. With the cache off it re-feeds the whole sequence at every step instead.
 */
import type { DecoderStep } from '../generation/index.js';
import { OrtTensor, type Fetches, type GraphSession, type Tensor } from './onnx-session.js';

export interface DecoderLayout {
  /** Self-attention heads of each layer (structured pruning can make them differ). */
  heads: number[];
  headDim: number;
  vocabSize: number;
}

/** Gathers rows of a [B, ...] fp32 tensor into a new [rows.length, ...] tensor. */
function gatherRows(tensor: Tensor, rows: readonly number[]): Tensor {
  const data = tensor.data as Float32Array;
  const rowSize = data.length / tensor.dims[0];
  const out = new Float32Array(rows.length * rowSize);
  rows.forEach((row, i) => out.set(data.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize));
  return new OrtTensor('float32', out, [rows.length, ...tensor.dims.slice(1)]);
}

export class CachedDecoder implements DecoderStep {
  readonly vocabSize: number;
  private past: Tensor[] = [];
  private history: number[][] = [];
  private rows = 0;
  /** Number of session runs so far: one per generated token, plus the prompt. */
  steps = 0;
  /** Logits of every fed position of the last step, rows × fed × vocab. */
  lastLogits: Tensor | undefined;

  constructor(
    private readonly session: GraphSession,
    private readonly cross: Fetches,
    private readonly layout: DecoderLayout,
    private readonly useCache: boolean,
  ) {
    this.vocabSize = layout.vocabSize;
  }

  private emptyPast(rows: number): Tensor[] {
    return this.layout.heads.flatMap((heads) => [0, 1].map(() => new OrtTensor('float32', new Float32Array(0), [rows, heads, 0, this.layout.headDim])));
  }

  async step(tokens: number[][]): Promise<Float32Array> {
    if (this.rows === 0) {
      this.rows = tokens.length;
      this.past = this.emptyPast(this.rows);
      this.history = tokens.map(() => []);
    }
    if (tokens.length !== this.rows) throw new Error(`decoder step got ${tokens.length} rows, expected ${this.rows}`);
    tokens.forEach((row, i) => this.history[i].push(...row));
    const fed = this.useCache ? tokens : this.history;
    const width = fed[0].length;
    const ids = new BigInt64Array(this.rows * width);
    fed.forEach((row, i) => row.forEach((token, j) => (ids[i * width + j] = BigInt(token))));

    const feeds: Record<string, Tensor> = { input_ids: new OrtTensor('int64', ids, [this.rows, width]) };
    const past = this.useCache ? this.past : this.emptyPast(this.rows);
    this.layout.heads.forEach((_, layer) => {
      feeds[`past_key.${layer}`] = past[2 * layer];
      feeds[`past_value.${layer}`] = past[2 * layer + 1];
      feeds[`cross_key.${layer}`] = this.cross[`cross_key.${layer}`];
      feeds[`cross_value.${layer}`] = this.cross[`cross_value.${layer}`];
    });
    const out = await this.session.run(feeds);
    this.steps++;
    if (this.useCache) this.past = this.layout.heads.flatMap((_, layer) => [out[`present_key.${layer}`], out[`present_value.${layer}`]]);
    this.lastLogits = out.logits;

    // Keep only the last fed position of each row.
    const logits = out.logits.data as Float32Array;
    const result = new Float32Array(this.rows * this.vocabSize);
    for (let row = 0; row < this.rows; row++) {
      const start = (row * width + width - 1) * this.vocabSize;
      result.set(logits.subarray(start, start + this.vocabSize), row * this.vocabSize);
    }
    return result;
  }

  reorder(rows: number[]): void {
    // Before the first step there is no cache yet: the first step's row count decides.
    if (this.rows === 0) return;
    if (this.useCache) this.past = this.past.map((tensor) => gatherRows(tensor, rows));
    this.history = rows.map((row) => [...this.history[row]]);
    this.rows = rows.length;
  }
}
