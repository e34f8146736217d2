/**
 * `npx tsx scripts/bench/profile-variant.ts [--model DIR] [--variant JSON] [--runs N] [--cache N]`:
 * where a variant's time goes inside onnxruntime. It opens the variant's built graphs with profiling
 * sessions of its own and runs the image encoder and single-token decoder steps. It then prints the
 * time per operator type and the slowest nodes from onnxruntime's profile (`enableProfiling`).
 * It imports onnxruntime-node directly because the engine's session wrapper has no profiling option.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Command } from 'commander';
import * as ort from 'onnxruntime-node';

import { loadCaptioner, parseVariant } from '../../models/index.js';
import { parsePositiveInteger, parseNonNegativeInteger, resolveModelDir } from './bench-setup.js';
import { formatTable } from './text-table.js';

interface ProfileFlags {
  model: string;
  variant: string;
  runs: number;
  cache: number;
  top: number;
}

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Pseudo-random normal-ish values in [-2, 2): profiles need realistic magnitudes, not exact ones. */
function noise(count: number, seed: number): Float32Array {
  const data = new Float32Array(count);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state = Math.imul(state ^ (state >>> 15), 2246822519) >>> 0;
    data[i] = (state / 2 ** 32) * 4 - 2;
  }
  return data;
}

/** Finds the profile file onnxruntime wrote for `prefix` (it appends a timestamp and .json). */
function profileFile(work: string, prefix: string): string {
  const found = readdirSync(work).find((name) => name.startsWith(prefix) && name.endsWith('.json'));
  if (!found) throw new Error(`onnxruntime wrote no profile ${prefix}*.json in ${work}`);
  return join(work, found);
}

async function openProfiled(path: string, prefix: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', executionMode: 'sequential', interOpNumThreads: 1, enableProfiling: true, profileFilePrefix: prefix });
}

/** Sums node durations by operator type over the runs after the first (the first includes one-time work). */
function summarize(profileFile: string, runs: number, top: number): string {
  const events = JSON.parse(readFileSync(profileFile, 'utf8')) as ProfileEvent[];
  const nodes = events.filter((event) => event.cat === 'Node' && event.name.endsWith('_kernel_time'));
  const perRun = nodes.length / (runs + 1);
  const timed = nodes.slice(perRun);
  const byOp = new Map<string, { us: number; count: number }>();
  const byNode = new Map<string, number>();
  for (const event of timed) {
    const op = event.args?.op_name ?? '?';
    const entry = byOp.get(op) ?? { us: 0, count: 0 };
    entry.us += event.dur;
    entry.count += 1;
    byOp.set(op, entry);
    const node = event.name.replace(/_kernel_time$/, '');
    byNode.set(node, (byNode.get(node) ?? 0) + event.dur);
  }
  const total = [...byOp.values()].reduce((sum, entry) => sum + entry.us, 0);
  const ops = [...byOp.entries()].sort((a, b) => b[1].us - a[1].us);
  const opTable = formatTable(
    ['operator', 'ms per run', 'share', 'nodes per run'],
    ops.map(([op, entry]) => [op, (entry.us / runs / 1000).toFixed(2), `${((entry.us / total) * 100).toFixed(1)} %`, String(entry.count / runs)]),
  );
  const slowest = [...byNode.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  const nodeTable = formatTable(
    ['slowest nodes', 'ms per run'],
    slowest.map(([node, us]) => [node, (us / runs / 1000).toFixed(2)]),
  );
  return `sum of node times ${(total / runs / 1000).toFixed(1)} ms per run\n${opTable}\n\n${nodeTable}`;
}

async function main(flags: ProfileFlags): Promise<void> {
  const modelDir = await resolveModelDir(flags.model, log);
  const variant = parseVariant(JSON.parse(flags.variant));
  const captioner = await loadCaptioner({ modelDir, variant });
  const { dir, shapes } = captioner.build;
  const { config } = captioner;
  await captioner.dispose();
  const work = mkdtempSync(join(tmpdir(), 'blipbench-profile-'));
  try {
    const size = config.vision.imageSize;
    const encoder = await openProfiled(join(dir, 'image_encoder.onnx'), join(work, 'image-encoder'));
    const pixels = new ort.Tensor('float32', noise(3 * size * size, 1), [1, 3, size, size]);
    let cross: ort.InferenceSession.ReturnType = {};
    for (let run = 0; run <= flags.runs; run++) cross = await encoder.run({ pixel_values: pixels });
    encoder.endProfiling();
    const encoderProfile = profileFile(work, 'image-encoder');
    await encoder.release();

    const decoder = await openProfiled(join(dir, 'text_decoder.onnx'), join(work, 'text-decoder'));
    const headDim = config.text.hiddenSize / config.text.numHeads;
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(config.text.bosTokenId)), [1, 1]) };
    shapes.text.heads.forEach((heads, layer) => {
      for (const kind of ['key', 'value']) {
        feeds[`past_${kind}.${layer}`] = new ort.Tensor('float32', noise(heads * flags.cache * headDim, layer + 7), [1, heads, flags.cache, headDim]);
        feeds[`cross_${kind}.${layer}`] = cross[`cross_${kind}.${layer}`];
      }
    });
    for (let run = 0; run <= flags.runs; run++) await decoder.run(feeds);
    decoder.endProfiling();
    const decoderProfile = profileFile(work, 'text-decoder');
    await decoder.release();

    process.stdout.write(
      [
        `variant ${JSON.stringify(flags.variant === '{}' ? 'fp32 baseline' : JSON.parse(flags.variant))}, ${dir}`,
        `image encoder, ${flags.runs} runs after 1 untimed:`,
        summarize(encoderProfile, flags.runs, flags.top),
        '',
        `text decoder, one token after a cache of ${flags.cache}, ${flags.runs} runs after 1 untimed:`,
        summarize(decoderProfile, flags.runs, flags.top),
      ].join('\n') + '\n',
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const program = new Command('profile-variant')
  .description("Profile a built variant's graphs with onnxruntime: time per operator type and the slowest nodes")
  .option('--model <name|dir>', 'random-base or tiny, or a model directory', 'random-base')
  .option('--variant <json>', 'variant spec as JSON', '{}')
  .option('--runs <n>', 'profiled runs of each graph after one untimed run', parsePositiveInteger('--runs'), 5)
  .option('--cache <n>', 'cached tokens before the profiled decoder step', parseNonNegativeInteger('--cache'), 10)
  .option('--top <n>', 'slowest nodes to list', parsePositiveInteger('--top'), 12)
  .action(main);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`profile-variant: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
