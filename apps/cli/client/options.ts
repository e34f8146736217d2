/** Options every API client command takes: where the API is, and JSON output for scripts. */
import { InvalidArgumentError, type Command } from 'commander';

import { ApiClient } from './api-client.js';

export interface ClientFlags {
  api: string;
  json: boolean;
}

/**
 * Returns the local API's address: BLIPBENCH_API, else BLIPBENCH_HOST and BLIPBENCH_PORT as `npm start`
 * reads them (defaults 127.0.0.1 and 3000), so that a client run beside the API finds it.
 */
export function defaultApiUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BLIPBENCH_API) return env.BLIPBENCH_API;
  // An API listening on every address is reached on loopback.
  const wildcards: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1' };
  const host = env.BLIPBENCH_HOST ? (wildcards[env.BLIPBENCH_HOST] ?? env.BLIPBENCH_HOST) : '127.0.0.1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${env.BLIPBENCH_PORT || 3000}`;
}

function parseApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected an http(s) URL such as http://127.0.0.1:3000, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`expected an http or https URL, got "${value}"`);
  return value;
}

export function addClientOptions(command: Command): Command {
  return command
    .option('--api <url>', 'base URL of the BLIP Bench API (env BLIPBENCH_API)', parseApiUrl, defaultApiUrl())
    .option('--json', 'print the API’s JSON instead of tables', false);
}

/**
 * Creates the client for the parsed flags. The API key comes from BLIPBENCH_API_KEY, never from a
 * flag, so that it stays out of shell history.
 */
export function clientFor(flags: ClientFlags): ApiClient {
  return new ApiClient({ baseUrl: flags.api, apiKey: process.env.BLIPBENCH_API_KEY || undefined });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
