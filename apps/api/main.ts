/**
 * `npm start`: the API on BLIPBENCH_HOST:BLIPBENCH_PORT. Without DATABASE_URL and REDIS_URL it
 * starts embedded Postgres and Redis under .data/ and logs that it did. `--workers N` also starts
 * N worker processes on this machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';

import { Command, InvalidArgumentError } from 'commander';

import { loadConfig } from '../platform/config/config.js';
import { describeConnections, resolveConnections } from '../platform/embedded/connections.js';
import { describeError } from '../platform/errors.js';
import { createLogger } from '../platform/logger.js';
import { startApi } from './server.js';

const program = new Command('start')
  .description('Run the BLIP Bench API')
  .option('--workers <n>', 'worker processes to start on this machine', (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 64) throw new InvalidArgumentError(`expected an integer from 0 to 64, got "${value}"`);
    return parsed;
  }, 0)
  .option('--threads <n>', 'onnxruntime threads of each started worker (0: onnxruntime chooses)', '0')
  .showHelpAfterError();
program.parse(process.argv);
const options = program.opts<{ workers: number; threads: string }>();

const config = loadConfig();
const logger = createLogger('blipbench-api', config.logLevel);
let connections: Awaited<ReturnType<typeof resolveConnections>> | undefined;
try {
  connections = await resolveConnections(config, { startEmbedded: true, onLog: (message) => logger.warn(message) });
  logger.info({ services: connections.source, dataDir: config.dataDir }, describeConnections(connections, config.dataDir));
  const started = connections;
  const api = await startApi({ config, logger, databaseUrl: connections.databaseUrl, redisUrl: connections.redisUrl });
  const children: ChildProcess[] = [];
  for (let i = 0; i < options.workers; i += 1) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/main.ts', '--threads', options.threads], {
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: started.databaseUrl, REDIS_URL: started.redisUrl },
    });
    children.push(child);
  }
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : (child.once('exit', resolve), child.kill('SIGTERM'))))));
    await api.close();
    await started.embedded?.stop();
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));
} catch (error) {
  logger.fatal({ err: error }, `API could not start: ${describeError(error)}`);
  await connections?.embedded?.stop();
  process.exitCode = 1;
}
