/**
 * Optional API key: when BLIPBENCH_API_KEY is set, /v1 requests must send it as
 * `authorization: Bearer <key>` or `x-api-key: <key>`. Health, readiness and metrics stay open
 * for probes and scrapers.
 */
import { timingSafeEqual } from 'node:crypto';

import type { RequestHandler } from 'express';

import { HttpError } from '../../platform/errors.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function requireApiKey(apiKey: string | undefined): RequestHandler {
  return (request, _response, next) => {
    if (!apiKey) return next();
    const header = request.get('authorization');
    const given = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : request.get('x-api-key');
    if (!given) return next(new HttpError(401, 'missing_api_key', 'API key required: send "authorization: Bearer <key>" or "x-api-key: <key>"'));
    if (!sameSecret(given, apiKey)) return next(new HttpError(401, 'invalid_api_key', 'API key is not valid'));
    next();
  };
}
