/**
 * The error handler: HttpError as its status, malformed JSON and oversized bodies as 400 and 413,
 * upload limits as 413, an unreachable database or queue as 503, anything else as 500 (logged).
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';

import { HttpError, isDatabaseUnavailable } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

function toHttpError(error: unknown, maxUploadBytes: number): HttpError | null {
  if (error instanceof HttpError) return error;
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') return new HttpError(413, 'upload_too_large', `image: file is larger than the limit of ${maxUploadBytes} bytes (BLIPBENCH_MAX_UPLOAD_BYTES)`);
    if (error.code === 'LIMIT_UNEXPECTED_FILE') return new HttpError(400, 'invalid_upload', `${error.field ?? 'file'}: unexpected file field; send the image in the multipart field "image"`);
    return new HttpError(400, 'invalid_upload', `upload rejected: ${error.message}`);
  }
  const body = error as BodyParserError;
  if (body.type === 'entity.parse.failed') return new HttpError(400, 'invalid_json', `body: malformed JSON (${body.message}); send a JSON object with content-type application/json`);
  if (body.type === 'entity.too.large') return new HttpError(413, 'body_too_large', `body: larger than the limit of ${body.limit} bytes`);
  if (body.type === 'encoding.unsupported' || body.type === 'charset.unsupported') return new HttpError(415, 'unsupported_encoding', `body: ${body.message}`);
  // body-parser marks its other client errors (bad content-encoding, truncated body) with a 4xx status.
  if (typeof body.status === 'number' && body.status >= 400 && body.status < 500) return new HttpError(body.status, 'invalid_body', `body: ${body.message}`);
  // busboy's multipart parse errors ("Unexpected end of form", "Boundary not found") are the client's.
  if (body.message && /^(Unexpected end of form|Boundary not found|Multipart: |Malformed part header)/.test(body.message)) {
    return new HttpError(400, 'invalid_upload', `upload: malformed multipart body (${body.message}); send multipart/form-data with the image in the field "image"`);
  }
  if (isDatabaseUnavailable(error)) return new HttpError(503, 'database_unavailable', 'Postgres is unreachable; retry shortly');
  return null;
}

export function errorHandler(logger: Logger, maxUploadBytes: number): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (response.headersSent) return next(error);
    const known = toHttpError(error, maxUploadBytes);
    if (known) {
      if (known.status >= 500) logger.warn({ err: error, path: request.path }, known.message);
      response.status(known.status).json({ error: { code: known.code, message: known.message, ...(known.details ? { issues: known.details } : {}) } });
      return;
    }
    logger.error({ err: error, method: request.method, path: request.path }, 'request failed');
    // The details (stack frames, SQL) go to the log only: they would leak source to clients.
    response.status(500).json({ error: { code: 'internal_error', message: 'internal error; the API log has the details' } });
  };
}

export const notFound: RequestHandler = (request, _response, next) => {
  next(new HttpError(404, 'not_found', `no route for ${request.method} ${request.path}; see /v1/openapi.json`));
};
