/**
 * The OpenAPI 3.0 document at /v1/openapi.json, generated from the same zod schemas that validate
 * requests, so the document cannot drift from what the API accepts.
 */
import { z, type ZodType } from 'zod';

import { captionRequestSchema, historyQuerySchema, listQuerySchema, speedupsQuerySchema, sweepRequestSchema } from '../platform/services/requests.js';

function schemaOf(schema: ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;
}

function queryParameters(schema: ZodType) {
  const json = schemaOf(schema) as { properties?: Record<string, Record<string, unknown>> };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: false, description: property.description, schema: property }));
}

const idParameter = (description: string) => ({ name: 'id', in: 'path', required: true, description, schema: { type: 'string' } });
const errorResponse = { description: 'Error: { error: { code, message, issues? } }, the message names the field', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });

export function buildOpenApi(version: string): Record<string, unknown> {
  const errors = { '400': errorResponse, '401': errorResponse, '404': errorResponse };
  return {
    openapi: '3.0.3',
    info: { title: 'BLIP Bench API', version, description: 'Sweeps of BLIP captioning variants over images, run by queue workers; results and speedups from Postgres.' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      schemas: {
        Error: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } } } } } },
        SweepRequest: schemaOf(sweepRequestSchema),
        CaptionRequest: schemaOf(captionRequestSchema),
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }, {}],
    paths: {
      '/v1/images': {
        post: {
          summary: 'Upload an image (multipart field "image"); the same bytes give the same id',
          requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { image: { type: 'string', format: 'binary' } }, required: ['image'] } } } },
          responses: { '201': json('Stored'), '200': json('Already stored'), '413': errorResponse, '415': errorResponse, '422': errorResponse, ...errors },
        },
        get: { summary: 'List stored images', parameters: queryParameters(listQuerySchema), responses: { '200': json('{ items, nextCursor }'), ...errors } },
      },
      '/v1/images/samples': { get: { summary: 'List the shared sample photos, usable as "sample:<name>"', responses: { '200': json('{ dir, samples }') } } },
      '/v1/images/samples/{name}': { post: { summary: 'Store a sample photo and return its image', parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': json('Image'), ...errors } } },
      '/v1/images/{id}': { get: { summary: 'Image metadata', parameters: [idParameter('Image id')], responses: { '200': json('Image'), ...errors } } },
      '/v1/images/{id}/content': { get: { summary: 'Image bytes', parameters: [idParameter('Image id')], responses: { '200': { description: 'The stored file' }, ...errors } } },
      '/v1/sweeps': {
        post: {
          summary: 'Plan a sweep (baseline, variants and grid × images) and enqueue its jobs',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SweepRequest' } } } },
          responses: { '202': json('Planned sweep: sweepId, jobs, variants'), '415': errorResponse, '422': errorResponse, ...errors },
        },
        get: { summary: 'List sweeps, newest first', parameters: queryParameters(listQuerySchema), responses: { '200': json('{ items, nextCursor }'), ...errors } },
      },
      '/v1/sweeps/{id}': {
        get: { summary: 'Progress, results with speedups, failures and a summary per variant', parameters: [idParameter('Sweep id')], responses: { '200': json('Sweep'), ...errors } },
        delete: { summary: 'Cancel the jobs that have not started', parameters: [idParameter('Sweep id')], responses: { '200': json('{ sweepId, cancelled }'), ...errors } },
      },
      '/v1/captions': {
        post: {
          summary: 'Caption one image; waits up to waitMs, then answers 202 with the job to poll',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CaptionRequest' } } } },
          responses: { '200': json('Job with result'), '202': json('Job still running; poll /v1/jobs/{id}'), '422': errorResponse, ...errors },
        },
      },
      '/v1/jobs/{id}': { get: { summary: 'A job and its result', parameters: [idParameter('Job id')], responses: { '200': json('Job'), ...errors } } },
      '/v1/history': { get: { summary: 'Results filtered by model, variant fields, host, image and time, newest first', parameters: queryParameters(historyQuerySchema), responses: { '200': json('{ items, nextCursor }'), ...errors } } },
      '/v1/speedups': { get: { summary: 'Speedup against the baseline per variant and host: median, quartiles, min, max, count', parameters: queryParameters(speedupsQuerySchema), responses: { '200': json('{ perHost, overall }'), ...errors } } },
      '/v1/models': { get: { summary: 'Registered models', responses: { '200': json('{ items }') } } },
      '/v1/workers': { get: { summary: 'Live workers and their hosts', responses: { '200': json('{ items }') } } },
      '/v1/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': json('OpenAPI 3.0 document') } } },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': json('{ status }') } } },
      '/readyz': { get: { summary: 'Readiness: Postgres and Redis answer', security: [], responses: { '200': json('Ready'), '503': json('Not ready') } } },
      '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { '200': { description: 'Prometheus text format' } } } },
    },
  };
}
