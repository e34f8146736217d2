/** A worker in its own process (`apps/worker/main.ts`), as `npm run worker` starts it, for kill and stop tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WorkerProcess {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  lines: Array<Record<string, unknown>>;
  workerId(): string | undefined;
  waitForLog(message: RegExp, timeoutMs: number): Promise<Record<string, unknown>>;
  exited(): Promise<number | null>;
}

export async function spawnWorker(env: NodeJS.ProcessEnv, args: string[] = ['--threads', '1']): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/main.ts', ...args], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        lines.push({ msg: part });
      }
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const waitForLog = async (message: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find((line) => typeof line.msg === 'string' && message.test(line.msg));
      if (found) return found;
      if (child.exitCode !== null || Date.now() > deadline) {
        const messages = lines.map((line) => `${String(line.msg)}${line.err ? ` (${String((line.err as { message?: unknown }).message)})` : ''}`);
        throw new Error(`worker log has no line matching ${message} (exit ${child.exitCode}); stderr: ${stderr.slice(-2000)}; log: ${messages.join(' / ').slice(-4000)}`);
      }
      await sleep(50);
    }
  };
  const worker: WorkerProcess = {
    child,
    lines,
    workerId: () => lines.find((line) => line.msg === 'worker started')?.workerId as string | undefined,
    waitForLog,
    exited: () => exit,
  };
  await waitForLog(/^worker started$/, 30_000);
  return worker;
}
