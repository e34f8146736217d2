/**
 * The timed part of a job: warm-up runs (discarded), timed runs with the same forced token count
 * for the baseline and every variant, and the caption from an unforced run. Returns raw timings
 * with their summary, peak memory and how busy the host was meanwhile.
 */
import type { Captioner, CaptionResult, StageTimingsMs } from '../../models/index.js';
import { startCpuWindow, type CpuLoad } from '../platform/host/cpu-load.js';
import { startPeakRss } from '../platform/host/peak-rss.js';
import { median, summarizeRuns, type RunSummary } from '../platform/stats/summary.js';

/** Untimed one-token captions before a process's first measurement. */
const PROCESS_WARMUP_RUNS = 3;
let processWarmedUp = false;

export interface MeasureOptions {
  runs: number;
  warmupRuns: number;
  /** Tokens each timed run generates; null lets each run stop at its stop token. */
  forceNewTokens: number | null;
  maxNewTokens?: number;
  prompt?: string;
  /** When aborted, the measurement stops after the current run by throwing HandBack. */
  signal?: AbortSignal;
}

/** Thrown between runs when the worker is stopping, so that the job goes back to the queue. */
export class HandBack extends Error {
  constructor() {
    super('worker is stopping; job handed back');
    this.name = 'HandBack';
  }
}

export interface Measurement {
  caption: CaptionResult;
  runTimesMs: number[];
  warmupTimesMs: number[];
  runStagesMs: StageTimingsMs[];
  summary: RunSummary;
  stageMedians: StageTimingsMs;
  /** Tokens generated per timed run (the median run's count). */
  generatedTokens: number;
  tokensPerSecond: number;
  peakRssBytes: number;
  cpu: CpuLoad;
  /** Wall time spent inside the engine's caption calls, warm-ups and the unforced run included. */
  engineMs: number;
  /** Decoder tokens before the first generated one: [DEC] plus the prompt's tokens. */
  promptLength: number;
}

function stageMedian(stages: StageTimingsMs[]): StageTimingsMs {
  const of = (key: keyof StageTimingsMs) => median(stages.map((stage) => stage[key]));
  return { preprocess: of('preprocess'), visionEncoder: of('visionEncoder'), decoder: of('decoder'), decoderPerToken: of('decoderPerToken'), total: of('total') };
}

export async function measure(captioner: Captioner, image: Buffer, options: MeasureOptions): Promise<Measurement> {
  const timedOptions = { prompt: options.prompt, maxNewTokens: options.maxNewTokens, ...(options.forceNewTokens !== null ? { forceNewTokens: options.forceNewTokens } : {}) };
  let engineMs = 0;
  const call = async (callOptions: typeof timedOptions) => {
    if (options.signal?.aborted) throw new HandBack();
    const started = performance.now();
    const result = await captioner.caption(image, callOptions);
    engineMs += performance.now() - started;
    return result;
  };

  // The first measurement of a process also warms the JavaScript side (V8 optimizes the resize and
  // decoding loops only after several calls), so that the sweep's first job, usually the baseline,
  // is not timed on cold code. These runs are not part of the job's warm-ups.
  if (!processWarmedUp) {
    for (let i = 0; i < PROCESS_WARMUP_RUNS; i += 1) await call({ ...timedOptions, forceNewTokens: 1, maxNewTokens: undefined });
    processWarmedUp = true;
  }

  const warmupTimesMs: number[] = [];
  for (let i = 0; i < options.warmupRuns; i += 1) warmupTimesMs.push((await call(timedOptions)).timingsMs.total);

  const stopPeak = startPeakRss();
  const stopCpu = startCpuWindow();
  const timed: CaptionResult[] = [];
  for (let i = 0; i < options.runs; i += 1) timed.push(await call(timedOptions));
  const cpu = stopCpu();
  const peakRssBytes = stopPeak();

  // The caption people read comes from an unforced run: forcing the length would append tokens past the stop token.
  const caption = options.forceNewTokens === null ? timed[0] : await call({ prompt: options.prompt, maxNewTokens: options.maxNewTokens });
  const runTimesMs = timed.map((run) => run.timingsMs.total);
  const runStagesMs = timed.map((run) => run.timingsMs);
  const stageMedians = stageMedian(runStagesMs);
  const promptLength = await measurePromptLength(captioner, image, options.prompt);
  const generatedTokens = Math.max(0, median(timed.map((run) => run.tokenIds.length)) - promptLength);
  return {
    caption,
    runTimesMs,
    warmupTimesMs,
    runStagesMs,
    summary: summarizeRuns(runTimesMs),
    stageMedians,
    generatedTokens,
    tokensPerSecond: stageMedians.decoder > 0 && generatedTokens > 0 ? generatedTokens / (stageMedians.decoder / 1000) : 0,
    peakRssBytes,
    cpu,
    engineMs,
    promptLength,
  };
}

/**
 * Returns the decoder tokens before the first generated one. Without a prompt the decoder starts
 * from [DEC] alone. With a prompt, a one-token run shows its length, because the engine does not report it.
 */
async function measurePromptLength(captioner: Captioner, image: Buffer, prompt: string | undefined): Promise<number> {
  if (!prompt) return 1;
  const probe = await captioner.caption(image, { prompt, forceNewTokens: 1 });
  return probe.tokenIds.length - 1;
}
