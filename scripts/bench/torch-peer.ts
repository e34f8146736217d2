/**
 * The Node side of the PyTorch peer: starts scripts/bench/peer_pipeline.py as a long-lived child and
 * exchanges one JSON line per request and reply, so the benchmark can alternate the two sides run by run.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import type { StageTimingsMs } from '../../models/index.js';

export const PEER_SCRIPT = join(import.meta.dirname, 'peer_pipeline.py');

/** The pipelines the peer can prepare, named as the study ran them. */
export const TORCH_PIPELINES = ['fp32', 'int8-dynamic', 'l1-int8-dynamic'] as const;
export type TorchPipeline = (typeof TORCH_PIPELINES)[number];

export interface PeerReady {
  python: string;
  pythonVersion: string;
  torch: string;
  transformers: string;
  /** torch.get_num_threads() as PyTorch picked it. */
  threads: number;
}

export interface PeerLoaded {
  pipelines: TorchPipeline[];
  /** Time to load the checkpoint and to prune and quantize each pipeline, ms. */
  prepareMs: Record<string, number>;
  imageProcessor: string;
  threads: number;
  quantizedEngine: string;
}

export interface PeerRun {
  tokenIds: number[];
  caption: string;
  timingsMs: StageTimingsMs;
}

/** Python or its packages are missing; the message lists what to install and where. */
export class PeerUnavailableError extends Error {
  override name = 'PeerUnavailableError';
}

/** Returns the Python the peer runs with: BLIPBENCH_PYTHON, or python3 on the PATH. */
export function peerPython(): string {
  return process.env.BLIPBENCH_PYTHON || 'python3';
}

export function installHint(python: string, problem: string): string {
  return [
    `The PyTorch peer could not start: ${problem}.`,
    `It looked for Python at "${python}" (set BLIPBENCH_PYTHON to choose another; the default is python3).`,
    'It needs Python 3 with torch 2.13 (CPU), transformers, safetensors, pillow and numpy, which CI never needs. Install them once:',
    '  python3 -m venv .venv-peer',
    '  .venv-peer/bin/pip install torch==2.13.0 transformers safetensors pillow numpy',
    '  BLIPBENCH_PYTHON=.venv-peer/bin/python npm run bench:peer',
  ].join('\n');
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class TorchPeer {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited: Error | undefined;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly ready: PeerReady,
    private readonly lines: AsyncIterator<string>,
  ) {
    void this.readReplies();
    child.on('exit', (code, signal) => this.failAll(new Error(`the PyTorch peer exited (code ${code}, signal ${signal}) with requests still open`)));
    // Writing to a peer that has died raises EPIPE on stdin; the exit handler above reports the death.
    child.stdin.on('error', (error) => this.failAll(new Error(`cannot write to the PyTorch peer (${error.message})`)));
  }

  /** Starts the peer and waits for its ready line; `onStderr` receives every stderr line of Python. */
  static async start(python: string, onStderr: (line: string) => void): Promise<TorchPeer> {
    const child = spawn(python, ['-u', PEER_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    // A spawn error (ENOENT: no such Python) arrives as an event, not as the end of stdout.
    let rejectStart: (error: Error) => void = () => undefined;
    const spawnFailure = new Promise<never>((_, reject) => (rejectStart = reject));
    child.once('error', (error: NodeJS.ErrnoException) => {
      rejectStart(new PeerUnavailableError(installHint(python, error.code === 'ENOENT' ? `${python} was not found` : error.message)));
    });
    createInterface({ input: child.stderr }).on('line', onStderr);
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await Promise.race([lines.next(), spawnFailure]);
    if (first.done) throw new PeerUnavailableError(installHint(python, 'Python exited before it reported ready (its stderr is above)'));
    const message = JSON.parse(first.value) as { ready: boolean; missing?: string[] } & PeerReady;
    if (!message.ready) {
      throw new PeerUnavailableError(installHint(message.python ?? python, `${message.python ?? python} (Python ${message.pythonVersion}) lacks the modules ${(message.missing ?? []).join(', ')}`));
    }
    return new TorchPeer(child, message, lines);
  }

  private async readReplies(): Promise<void> {
    for (;;) {
      const next = await this.lines.next();
      if (next.done) return;
      const reply = JSON.parse(next.value) as { id: number; ok: boolean; result?: unknown; error?: string };
      const waiting = this.pending.get(reply.id);
      if (!waiting) continue;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.result);
      else waiting.reject(new Error(`the PyTorch peer failed: ${reply.error}`));
    }
  }

  private failAll(error: Error): void {
    this.exited = error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  private request<T>(op: string, fields: Record<string, unknown>): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.stdin.write(`${JSON.stringify({ id, op, ...fields })}\n`);
    });
  }

  /** Loads the checkpoint into BlipForConditionalGeneration and prepares the pipelines. */
  load(modelDir: string, pipelines: readonly TorchPipeline[], pruneAmount: number): Promise<PeerLoaded> {
    return this.request('load', { model: modelDir, pipelines, pruneAmount });
  }

  /** Runs one timed caption that decodes exactly `newTokens` tokens. */
  run(pipeline: TorchPipeline, image: string, newTokens: number): Promise<PeerRun> {
    return this.request('run', { pipeline, image, newTokens });
  }

  /** Returns the token ids of BlipForConditionalGeneration.generate itself, to check the timed split against. */
  checkSplit(pipeline: TorchPipeline, image: string, newTokens: number): Promise<{ tokenIds: number[] }> {
    return this.request('check-split', { pipeline, image, newTokens });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    // The peer may exit before its reply to quit is read; the exit itself is what close waits for.
    await this.request('quit', {}).catch(() => undefined);
    this.child.stdin.end();
    await exit;
  }
}
