/**
 * `npm run worker -- --concurrency N --threads T`: one worker process. Run as many as you like on
 * as many hosts, each pointed at the same DATABASE_URL and REDIS_URL.
 */
import { Command, InvalidArgumentError } from 'commander';

import { loadConfig } from '../platform/config/config.js';
import { describeConnections, resolveConnections } from '../platform/embedded/connections.js';
import { describeError } from '../platform/errors.js';
import { createLogger } from '../platform/logger.js';
import { startWorker, type WorkerQueue } from './worker.js';

const QUEUES: readonly WorkerQueue[] = ['benchmark', 'caption', 'sweeps'];

function integer(min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got "${value}"`);
    return parsed;
  };
}

function queueList(value: string): WorkerQueue[] {
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(QUEUES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of ${QUEUES.join(', ')}, got "${value}"`);
  return names as WorkerQueue[];
}

const program = new Command('worker')
  .description('Run BLIP Bench jobs from the queue')
  .option('--concurrency <n>', 'caption jobs at once in this process (benchmark jobs run one at a time per host)', integer(1, 256), 1)
  .option('--threads <n>', 'onnxruntime intra-op threads per model; 0 lets onnxruntime choose', integer(0, 256), 0)
  .option('--queues <list>', `queues to take jobs from: ${QUEUES.join(',')}`, queueList, [...QUEUES])
  .showHelpAfterError();

program.parse(process.argv);
const options = program.opts<{ concurrency: number; threads: number; queues: WorkerQueue[] }>();

const config = loadConfig();
const logger = createLogger('blipbench-worker', config.logLevel);
try {
  const connections = await resolveConnections(config, { startEmbedded: false });
  logger.info({ services: connections.source }, describeConnections(connections, config.dataDir));
  const worker = await startWorker({ config, logger, databaseUrl: connections.databaseUrl, redisUrl: connections.redisUrl, ...options });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now; running jobs return to the queue when their locks expire');
      process.exit(1);
    }
    logger.info({ signal }, 'signal received');
    worker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'worker did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
} catch (error) {
  logger.fatal({ err: error }, `worker could not start: ${describeError(error)}`);
  process.exitCode = 1;
}
