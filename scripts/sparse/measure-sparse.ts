/**
 * Times format "sparse" against format "dense" of l1-unstructured pruning at several amounts: the
 * vision encoder of one image and the decoder's per-token step, medians of alternating runs.
 *   npx tsx scripts/sparse/measure-sparse.ts --model models/store/random-base [--runs 7] [--out FILE]
 * Variants it had to build are removed afterwards unless --keep is given (about 1 GB each on BLIP-base).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { loadCaptioner, onnxruntimeVersion, type Captioner } from '../../models/index.js';
import { ensureVariantBuilt } from '../../models/variants/build.js';
import { parseVariant } from '../../models/variants/spec.js';
import { watchContention, type Contention } from './cpu-contention.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    amounts: { type: 'string', default: '0.3,0.5,0.7,0.9,0.95' },
    runs: { type: 'string', default: '7' },
    tokens: { type: 'string', default: '20' },
    threads: { type: 'string', default: '0' },
    image: { type: 'string', default: join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'images', 'chelsea.png') },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
if (!values.model) {
  process.stderr.write('usage: npx tsx scripts/sparse/measure-sparse.ts --model DIR [--amounts 0.3,0.5] [--runs N] [--tokens N] [--threads N] [--image FILE] [--out FILE] [--keep]\n');
  process.exit(2);
}
const modelDir = values.model;
const runs = Number(values.runs);
const tokens = Number(values.tokens);
const threads = Number(values.threads);
const amounts = values.amounts.split(',').map(Number);
for (const [name, value] of [['--runs', runs], ['--tokens', tokens]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

type Format = 'dense' | 'sparse';
const FORMATS: readonly Format[] = ['dense', 'sparse'];

interface FormatResult {
  visionMs: number[];
  stepMs: number[];
  loadMs: number;
  bytesOnDisk: number;
  kernels: Record<string, number>;
}

const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Median of sparse/dense over runs made back to back, which cancels load that drifts between runs. */
const pairedRatio = (dense: number[], sparse: number[]) => median(dense.map((value, i) => sparse[i] / value));

function variantFor(amount: number, format: Format) {
  return parseVariant({ pruning: { method: 'l1-unstructured', amount, format }, runtime: { threads } });
}

async function measureAmount(amount: number): Promise<{ results: Record<Format, FormatResult>; contention: Contention }> {
  const built: string[] = [];
  const captioners = {} as Record<Format, Captioner>;
  const results = {} as Record<Format, FormatResult>;
  try {
    for (const format of FORMATS) {
      const variant = variantFor(amount, format);
      const { dir, reused } = await ensureVariantBuilt(modelDir, variant);
      if (!reused) built.push(dir);
      const started = performance.now();
      captioners[format] = await loadCaptioner({ modelDir, variant });
      const build = captioners[format].build;
      results[format] = { visionMs: [], stepMs: [], loadMs: performance.now() - started, bytesOnDisk: build.bytesOnDisk, kernels: build.linearKernels };
    }
    for (const format of FORMATS) await captioners[format].caption(values.image!, { forceNewTokens: tokens });
    const stop = watchContention();
    for (let run = 0; run < runs; run++) {
      // Alternate which format goes first, so a drift in machine load hits both alike.
      const order = run % 2 === 0 ? FORMATS : [...FORMATS].reverse();
      for (const format of order) {
        const { timingsMs } = await captioners[format].caption(values.image!, { forceNewTokens: tokens });
        results[format].visionMs.push(timingsMs.visionEncoder);
        results[format].stepMs.push(timingsMs.decoderPerToken);
      }
    }
    return { results, contention: stop() };
  } finally {
    await Promise.all(Object.values(captioners).map((captioner) => captioner.dispose()));
    if (!values.keep) for (const dir of built) rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [];
process.stdout.write(`onnxruntime-node ${onnxruntimeVersion()}, ${runs} runs per format, ${tokens} forced tokens, threads ${threads || 'default'}\n`);
process.stdout.write('Times are medians (fastest run in brackets); sparse/dense is the median of the paired ratios.\n');
process.stdout.write('| amount | vision dense ms | vision sparse ms | sparse/dense | step dense ms | step sparse ms | sparse/dense | load dense s | load sparse s | disk dense MB | disk sparse MB | other processes (cores) | load avg |\n');
process.stdout.write('|---|---|---|---|---|---|---|---|---|---|---|---|---|\n');
for (const amount of amounts) {
  const { results, contention } = await measureAmount(amount);
  const [dense, sparse] = [results.dense, results.sparse];
  const row = {
    amount,
    visionMs: { dense: median(dense.visionMs), sparse: median(sparse.visionMs), pairedRatio: pairedRatio(dense.visionMs, sparse.visionMs) },
    stepMs: { dense: median(dense.stepMs), sparse: median(sparse.stepMs), pairedRatio: pairedRatio(dense.stepMs, sparse.stepMs) },
    fastestMs: {
      vision: { dense: Math.min(...dense.visionMs), sparse: Math.min(...sparse.visionMs) },
      step: { dense: Math.min(...dense.stepMs), sparse: Math.min(...sparse.stepMs) },
    },
    loadMs: { dense: dense.loadMs, sparse: sparse.loadMs },
    bytesOnDisk: { dense: dense.bytesOnDisk, sparse: sparse.bytesOnDisk },
    kernels: { dense: dense.kernels, sparse: sparse.kernels },
    samples: { dense: { visionMs: dense.visionMs, stepMs: dense.stepMs }, sparse: { visionMs: sparse.visionMs, stepMs: sparse.stepMs } },
    contention,
  };
  rows.push(row);
  const cells = [
    amount,
    `${row.visionMs.dense.toFixed(0)} (${row.fastestMs.vision.dense.toFixed(0)})`,
    `${row.visionMs.sparse.toFixed(0)} (${row.fastestMs.vision.sparse.toFixed(0)})`,
    row.visionMs.pairedRatio.toFixed(2),
    `${row.stepMs.dense.toFixed(1)} (${row.fastestMs.step.dense.toFixed(1)})`,
    `${row.stepMs.sparse.toFixed(1)} (${row.fastestMs.step.sparse.toFixed(1)})`,
    row.stepMs.pairedRatio.toFixed(2),
    (row.loadMs.dense / 1000).toFixed(1),
    (row.loadMs.sparse / 1000).toFixed(1),
    (row.bytesOnDisk.dense / 1e6).toFixed(0),
    (row.bytesOnDisk.sparse / 1e6).toFixed(0),
    contention.otherCores.toFixed(2),
    contention.loadAtStart.toFixed(2),
  ];
  process.stdout.write(`| ${cells.join(' | ')} |\n`);
}
if (values.out) writeFileSync(values.out, `${JSON.stringify({ onnxruntime: onnxruntimeVersion(), runs, tokens, threads, rows }, null, 2)}\n`);
