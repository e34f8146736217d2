/**
 * The apps' one logger: pino, one JSON line per event, errors under `err`. Libraries under
 * apps/platform do not log; the API, the worker and the demo bind ids (sweepId, jobId,
 * variantHash) on child loggers.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export function createLogger(name: string, level: string, destination?: DestinationStream): Logger {
  return pino({ name, level, base: { pid: process.pid }, serializers: { err: pino.stdSerializers.err } }, destination ?? pino.destination(1));
}
