/**
 * `npm run bench:peer [-- --model random-base|tiny|DIR] [--image FILE] [--runs N]`: our engine side by
 * side with the original study's PyTorch pipeline, in one process tree and one run.
 * The peer is transformers' BlipForConditionalGeneration in fp32, after quantize_dynamic, and after
 * 30 % l1_unstructured + quantize_dynamic. Both sides use the same checkpoint, photo and number of
 * generated tokens, and they alternate run by run.
 * Prints the medians per stage, ratios and speedups, and writes the whole result as JSON.
 */
import { Command } from 'commander';

import { readHostFingerprint } from '../../apps/platform/host/fingerprint.js';
import { efficiency, runAlternating, visionEncoderFlops, type BenchSubject, type Efficiency } from '../../models/bench/index.js';
import { loadCaptioner, onnxruntimeVersion, type Captioner, type StageTimingsMs, type VariantInput } from '../../models/index.js';
import { checkImage, defaultImage, loadAverage, loadPeaks, resolveModelDir, resultHeader, runBenchmark, waitForLoad, withCommonOptions, writeResult, type RunLogEntry } from './bench-setup.js';
import { formatEfficiency, formatMedians, formatSpeedups, formatTargets, oursOverTorch, peerTargets, tokenAgreement, type PairResult, type SideResult } from './peer-report.js';
import { stageMedians, summarizeStages } from './stage-summary.js';
import { peerPython, TorchPeer, type TorchPipeline } from './torch-peer.js';

/** The study pruned 30 % of every Linear's weights before quantizing. */
const PRUNE_AMOUNT = 0.3;

interface PeerFlags {
  model: string;
  image?: string;
  runs: number;
  warmup: number;
  newTokens: number;
  peaks?: string;
  maxLoad?: number;
  out?: string;
}

interface Pair {
  label: string;
  torch: TorchPipeline;
  variant: VariantInput;
}

/** Our variant matching each PyTorch pipeline: torch's quantize_dynamic is per-tensor int8 on every Linear, the LM head included. */
const PAIRS: readonly Pair[] = [
  { label: 'fp32', torch: 'fp32', variant: { name: 'fp32' } },
  { label: 'int8-dynamic', torch: 'int8-dynamic', variant: { name: 'int8-dynamic', quantization: { method: 'int8-dynamic' } } },
  {
    label: 'l1+int8',
    torch: 'l1-int8-dynamic',
    variant: { name: 'l1-30 + int8-dynamic', pruning: { method: 'l1-unstructured', amount: PRUNE_AMOUNT, includeLmHead: true }, quantization: { method: 'int8-dynamic' } },
  },
];

interface TimedCaption {
  timingsMs: StageTimingsMs;
  tokenIds: number[];
  caption: string;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function side(results: TimedCaption[]): SideResult {
  const last = results[results.length - 1];
  return { summary: summarizeStages(results.map((result) => result.timingsMs)), runs: results.map((result) => ({ ...result.timingsMs })), tokenIds: last.tokenIds, caption: last.caption };
}

async function main(flags: PeerFlags): Promise<void> {
  const started = new Date();
  const modelDir = await resolveModelDir(flags.model, log);
  const image = checkImage(flags.image ?? defaultImage());

  // Python first: when it is missing, fail before building anything.
  const python = peerPython();
  const peer = await TorchPeer.start(python, (line) => log(`peer: ${line}`));
  const captioners: Captioner[] = [];
  try {
    log(`PyTorch peer: ${peer.ready.python} (Python ${peer.ready.pythonVersion}), torch ${peer.ready.torch}, transformers ${peer.ready.transformers}, ${peer.ready.threads} threads`);
    log(`loading ${modelDir} into BlipForConditionalGeneration and preparing ${PAIRS.map((pair) => pair.torch).join(', ')}`);
    const loaded = await peer.load(modelDir, PAIRS.map((pair) => pair.torch), PRUNE_AMOUNT);
    for (const pair of PAIRS) {
      log(`loading our variant ${pair.label} (built into the model store when missing)`);
      captioners.push(await loadCaptioner({ modelDir, variant: pair.variant }));
    }

    // The timed split of the peer (vision model, then text_decoder.generate) must decode what generate itself decodes.
    const splitChecks: Record<string, boolean> = {};
    for (const pair of PAIRS) {
      const whole = await peer.checkSplit(pair.torch, image, flags.newTokens);
      const split = await peer.run(pair.torch, image, flags.newTokens);
      splitChecks[pair.torch] = whole.tokenIds.join(' ') === split.tokenIds.join(' ');
      if (!splitChecks[pair.torch]) log(`warning: the timed split of ${pair.torch} decoded other tokens than its model.generate`);
    }

    const peaks = await loadPeaks(flags.peaks, log);
    const loadBefore = loadAverage();
    log(`load average before the timed runs: ${loadBefore.map((value) => value.toFixed(2)).join(', ')}`);
    const runLog: RunLogEntry[] = [];
    const subjects: BenchSubject<TimedCaption>[] = PAIRS.flatMap((pair, index) => [
      { name: `ours ${pair.label}`, run: () => captioners[index].caption(image, { forceNewTokens: flags.newTokens }) },
      { name: `torch ${pair.label}`, run: () => peer.run(pair.torch, image, flags.newTokens) },
    ]);
    const results = await runAlternating(subjects, {
      runs: flags.runs,
      warmupRuns: flags.warmup,
      beforeRound: () => waitForLoad(flags.maxLoad, log),
      onRun: (event) => {
        const entry = { subject: event.subject, run: event.run, warmup: event.warmup, totalMs: event.result.timingsMs.total, load1: loadAverage()[0] };
        runLog.push(entry);
        log(`${event.warmup ? 'warm-up' : 'run'} ${event.run + 1} ${event.subject}: ${entry.totalMs.toFixed(0)} ms (load ${entry.load1.toFixed(2)})`);
      },
    });
    const loadAfter = loadAverage();

    const pairs: PairResult[] = PAIRS.map((pair) => {
      const ours = side(results.get(`ours ${pair.label}`)!);
      const torch = side(results.get(`torch ${pair.label}`)!);
      return { label: pair.label, ours, torch, oursOverTorch: oursOverTorch(ours.summary, torch.summary), tokenAgreement: tokenAgreement(ours.tokenIds, torch.tokenIds) };
    });
    const efficiencies: Efficiency[] = captioners.map((captioner, index) =>
      efficiency(
        { config: captioner.config, shapes: captioner.build.shapes, variant: captioner.variant, timingsMs: stageMedians(pairs[index].ours.summary), promptLength: 1, newTokens: flags.newTokens },
        peaks,
      ),
    );
    const targets = peerTargets(pairs, efficiencies[0]);
    const crossFlops = visionEncoderFlops(captioners[0].config, captioners[0].build.shapes);

    const host = readHostFingerprint();
    const lines = [
      `bench:peer ${started.toISOString()}  ${host.cpuModel}, ${host.logicalCores} cores, ${host.simdFlags.filter((flag) => flag.startsWith('avx512') || flag.includes('vnni') || flag.startsWith('amx')).join(' ')}`,
      `model ${modelDir}, image ${image}, ${flags.newTokens} new tokens forced on both sides, ${flags.runs} runs after ${flags.warmup} warm-up, alternating`,
      `ours: onnxruntime ${onnxruntimeVersion()}, default threads; torch ${peer.ready.torch} + transformers ${peer.ready.transformers}, ${loaded.threads} threads, quantized engine ${loaded.quantizedEngine}`,
      `load average before ${loadBefore.map((value) => value.toFixed(2)).join(' ')}, after ${loadAfter.map((value) => value.toFixed(2)).join(' ')}`,
      '',
      formatMedians(pairs),
      '',
      formatSpeedups(pairs),
      '',
      formatEfficiency(PAIRS.map((pair) => pair.label), efficiencies),
      '',
      `greedy tokens equal to the peer's: ${pairs.map((pair) => `${pair.label} ${pair.tokenAgreement.equal}/${pair.tokenAgreement.compared}`).join(', ')}`,
      `Our vision encoder stage includes the cross-attention key/value projections (${(crossFlops.crossKeyValue / 1e9).toPrecision(3)} of ${(crossFlops.total / 1e9).toPrecision(3)} GFLOP); the peer computes them in its first decoder step.`,
      '',
      'targets:',
      formatTargets(targets),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);

    const path = writeResult(
      'peer',
      {
        ...resultHeader('peer', started, host, { before: loadBefore, after: loadAfter }, runLog),
        settings: { modelDir, image, runs: flags.runs, warmupRuns: flags.warmup, newTokens: flags.newTokens, pruneAmount: PRUNE_AMOUNT },
        torch: { ...peer.ready, ...loaded, splitMatchesGenerate: splitChecks },
        ours: {
          onnxruntimeVersion: onnxruntimeVersion(),
          variants: captioners.map((captioner) => ({ variant: captioner.variant, variantHash: captioner.variantHash, build: captioner.build })),
        },
        peaks,
        pairs,
        efficiency: Object.fromEntries(PAIRS.map((pair, index) => [pair.label, efficiencies[index]])),
        targets,
      },
      flags.out,
    );
    log(`wrote ${path}`);
  } finally {
    await Promise.all(captioners.map((captioner) => captioner.dispose()));
    await peer.close();
  }
}

const program = new Command('bench:peer')
  .description("Time our engine and the original study's PyTorch pipeline side by side, alternating run by run")
  .option('--model <name|dir>', 'random-base or tiny (built under models/store when missing), or a model directory', 'random-base')
  .option('--image <file>', 'photo to caption (default: chelsea.png from BLIPBENCH_SAMPLE_IMAGES)')
  .action(main);
withCommonOptions(program, 'pipeline on each side', 'peer');

await runBenchmark(program, 'bench:peer');
