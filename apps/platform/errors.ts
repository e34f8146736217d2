/**
 * Error classes shared by the API and the workers, and the one function that decides whether a
 * failure may be retried. Engine errors (ImageInputError, ModelError, VariantError) carry
 * `permanent = true`; everything else is retried unless classified here.
 */
import { ZodError } from 'zod';

/** An invalid environment variable or option; the process cannot start. */
export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** A service the process depends on is misconfigured (e.g. Redis that may evict keys). */
export class ServiceConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ServiceConfigError';
  }
}

/** A job that fails the same way on every attempt: a missing row, a bad image, an impossible variant. */
export class PermanentJobError extends Error {
  readonly permanent = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** An error the API turns into an HTTP response with this status and code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** True for failures that retrying cannot fix. */
export function isPermanentError(error: unknown): boolean {
  if (error instanceof ZodError) return true;
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}

// Node socket errors and Postgres SQLSTATE classes 08 (connection exception) and 57P (operator
// intervention: admin shutdown, crash shutdown, cannot connect now) mean the server is unreachable, not the query wrong.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH']);
// Prisma's codes for an unreachable database (P1001, P1002, P1017) and its driver adapter's error kinds.
const PRISMA_CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const ADAPTER_CONNECTION_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionAlreadyClosed']);

/** Returns true when `error` means the database could not be reached or dropped the connection. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const record = current as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown };
    const code = typeof record.code === 'string' ? record.code : '';
    if (CONNECTION_CODES.has(code) || PRISMA_CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('57P')) return true;
    if (typeof record.kind === 'string' && ADAPTER_CONNECTION_KINDS.has(record.kind)) return true;
    const message = typeof record.message === 'string' ? record.message : '';
    if (/Connection terminated|connection is closed|ECONNREFUSED|ECONNRESET|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message)) return true;
    current = record.cause;
  }
  return false;
}

/** Formats `error` and its cause as one line for logs and job records. */
export function describeError(error: unknown): string {
  if (error instanceof ZodError) {
    return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error && error.cause.message !== error.message ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
