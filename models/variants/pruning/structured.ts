/**
 * Structured pruning: remove whole attention heads or feed-forward neurons, so the rebuilt graphs do
 * less work. Importance is a weight-norm score (no data needed):
 *   head h:   √(‖Q_h‖² + ‖K_h‖² + ‖V_h‖² + ‖O_{:,h}‖²), the rows of its query/key/value projections
 *             and the columns of the output projection that read it;
 *   neuron j: √(‖W1_j‖² + ‖W2_{:,j}‖²), its row in the first feed-forward Linear and column in the second.
 * The round(amount × count) lowest-scoring units of each layer are removed (ties: lower index first).
 */
import type { BlipConfig } from '../../blip/config.js';
import { textLayer, visionLayer, type Weight } from '../../blip/weights.js';
import { VariantError } from '../../engine/errors.js';
import { roundHalfToEven } from './l1-unstructured.js';
import type { PruningTargets } from './prunable-layers.js';

type Weights = Map<string, Weight>;

/** Squared L2 norm of rows [start, end) of a row-major [rows, cols] matrix. */
function rowsNorm(w: Weight, start: number, end: number): number {
  const cols = w.shape[1];
  let sum = 0;
  for (let i = start * cols; i < end * cols; i++) sum += w.data[i] * w.data[i];
  return sum;
}

function columnsNorm(w: Weight, start: number, end: number): number {
  const [rows, cols] = w.shape;
  let sum = 0;
  for (let r = 0; r < rows; r++) for (let c = start; c < end; c++) sum += w.data[r * cols + c] ** 2;
  return sum;
}

function keepRows(w: Weight, ranges: [number, number][]): Weight {
  const cols = w.shape.length > 1 ? w.shape[1] : 1;
  const rows = ranges.reduce((n, [a, b]) => n + b - a, 0);
  const data = new Float32Array(rows * cols);
  let offset = 0;
  for (const [a, b] of ranges) {
    data.set(w.data.subarray(a * cols, b * cols), offset);
    offset += (b - a) * cols;
  }
  return { shape: w.shape.length > 1 ? [rows, cols] : [rows], data };
}

function keepColumns(w: Weight, ranges: [number, number][]): Weight {
  const [rows, cols] = w.shape;
  const width = ranges.reduce((n, [a, b]) => n + b - a, 0);
  const data = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    let offset = r * width;
    for (const [a, b] of ranges) {
      data.set(w.data.subarray(r * cols + a, r * cols + b), offset);
      offset += b - a;
    }
  }
  return { shape: [rows, width], data };
}

/** Indices of the units to keep: all but the `remove` lowest scores, in their original order. */
function unitsToKeep(scores: number[], remove: number): number[] {
  const order = scores.map((score, index) => ({ score, index })).sort((a, b) => a.score - b.score || a.index - b.index);
  const removed = new Set(order.slice(0, remove).map((entry) => entry.index));
  return scores.map((_, index) => index).filter((index) => !removed.has(index));
}

function get(weights: Weights, name: string): Weight {
  const w = weights.get(name);
  if (!w) throw new VariantError(`structured pruning needs weight ${name}, which is missing`);
  return w;
}

/** Removes heads from one attention block given its projection names; `fused` is true for ViT's qkv. */
function pruneAttentionHeads(weights: Weights, layer: string, projections: { q: string; k: string; v: string } | { qkv: string }, output: string, headDim: number, amount: number): void {
  const out = get(weights, `${output}.weight`);
  const heads = out.shape[1] / headDim;
  const remove = roundHalfToEven(amount * heads);
  if (remove >= heads) throw new VariantError(`pruning.amount ${amount} removes all ${heads} attention heads of ${layer}; use an amount below ${((heads - 0.5) / heads).toFixed(3)}`);
  const width = heads * headDim;
  // Row blocks of each head in the projection(s): fused qkv has [Q | K | V] blocks of `width` rows.
  const blocks = 'qkv' in projections ? [0, 1, 2].map((part) => ({ name: projections.qkv, base: part * width })) : [projections.q, projections.k, projections.v].map((name) => ({ name, base: 0 }));
  const scores = Array.from({ length: heads }, (_, h) => {
    let sum = columnsNorm(out, h * headDim, (h + 1) * headDim);
    for (const block of blocks) sum += rowsNorm(get(weights, `${block.name}.weight`), block.base + h * headDim, block.base + (h + 1) * headDim);
    return Math.sqrt(sum);
  });
  const kept = unitsToKeep(scores, remove);
  const headRanges = (base: number) => kept.map((h): [number, number] => [base + h * headDim, base + (h + 1) * headDim]);
  const projectionNames = 'qkv' in projections ? [projections.qkv] : [projections.q, projections.k, projections.v];
  for (const name of projectionNames) {
    const ranges = 'qkv' in projections ? [0, 1, 2].flatMap((part) => headRanges(part * width)) : headRanges(0);
    weights.set(`${name}.weight`, keepRows(get(weights, `${name}.weight`), ranges));
    weights.set(`${name}.bias`, keepRows(get(weights, `${name}.bias`), ranges));
  }
  weights.set(`${output}.weight`, keepColumns(out, headRanges(0)));
}

function pruneNeurons(weights: Weights, layer: string, first: string, second: string, amount: number): void {
  const w1 = get(weights, `${first}.weight`);
  const w2 = get(weights, `${second}.weight`);
  const width = w1.shape[0];
  const remove = roundHalfToEven(amount * width);
  if (remove >= width) throw new VariantError(`pruning.amount ${amount} removes all ${width} feed-forward neurons of ${layer}`);
  const scores = Array.from({ length: width }, (_, j) => Math.sqrt(rowsNorm(w1, j, j + 1) + columnsNorm(w2, j, j + 1)));
  const ranges = unitsToKeep(scores, remove).map((j): [number, number] => [j, j + 1]);
  weights.set(`${first}.weight`, keepRows(w1, ranges));
  weights.set(`${first}.bias`, keepRows(get(weights, `${first}.bias`), ranges));
  weights.set(`${second}.weight`, keepColumns(w2, ranges));
}

export function pruneHeads(weights: Weights, config: BlipConfig, targets: PruningTargets, amount: number): void {
  if (targets !== 'text') {
    const headDim = config.vision.hiddenSize / config.vision.numHeads;
    for (let i = 0; i < config.vision.numLayers; i++) {
      const p = visionLayer(i);
      pruneAttentionHeads(weights, p, { qkv: `${p}.self_attn.qkv` }, `${p}.self_attn.projection`, headDim, amount);
    }
  }
  if (targets !== 'vision') {
    const headDim = config.text.hiddenSize / config.text.numHeads;
    for (let i = 0; i < config.text.numLayers; i++) {
      const p = textLayer(i);
      for (const part of ['attention', 'crossattention']) {
        const s = `${p}.${part}.self`;
        pruneAttentionHeads(weights, `${p}.${part}`, { q: `${s}.query`, k: `${s}.key`, v: `${s}.value` }, `${p}.${part}.output.dense`, headDim, amount);
      }
    }
  }
}

export function pruneFeedForward(weights: Weights, config: BlipConfig, targets: PruningTargets, amount: number): void {
  if (targets !== 'text') {
    for (let i = 0; i < config.vision.numLayers; i++) pruneNeurons(weights, visionLayer(i), `${visionLayer(i)}.mlp.fc1`, `${visionLayer(i)}.mlp.fc2`, amount);
  }
  if (targets !== 'vision') {
    for (let i = 0; i < config.text.numLayers; i++) pruneNeurons(weights, textLayer(i), `${textLayer(i)}.intermediate.dense`, `${textLayer(i)}.output.dense`, amount);
  }
}
