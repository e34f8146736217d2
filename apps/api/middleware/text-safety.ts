/**
 * Rejects text that Postgres cannot store: a NUL character, or a lone UTF-16 surrogate, in any
 * string of a JSON body or the query string. Without this check the database write fails with a 500.
 */
import type { RequestHandler } from 'express';

import { HttpError } from '../../platform/errors.js';

// eslint-disable-next-line no-control-regex -- matching NUL is the point of this check
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MAX_DEPTH = 64;

/** Returns the path of the first unstorable string, or undefined. */
function findUnstorable(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : undefined;
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = UNSTORABLE.test(key) ? `${path}.${key}` : findUnstorable(inner, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export const rejectUnstorableText: RequestHandler = (request, _response, next) => {
  const found = findUnstorable(request.body, 'body', 0) ?? findUnstorable(request.query, 'query', 0);
  if (found) next(new HttpError(400, 'invalid_text', `${found}: contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored; remove it`));
  else next();
};
