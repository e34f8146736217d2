/**
 * Request bodies and query strings of the API, as zod schemas. The API validates with them at
 * the edge, the services take their output types, and /v1/openapi.json is generated from them.
 */
import { z } from 'zod';

import { MAX_PRUNING_AMOUNT, quantizationSchema, runtimeSchema, variantSchema } from '../../../models/variants/spec.js';

/** BLIP's text decoder has 512 positions; no forced or maximum length may exceed it. */
const MAX_TOKENS = 512;

/** An image id (hex prefix of its SHA-256) or a shared sample photo as "sample:<file name>". */
export const imageRefSchema = z
  .string()
  .regex(/^([0-9a-f]{16,64}|sample:[A-Za-z0-9._-]+)$/, 'expected an image id (16 to 64 hex digits) or "sample:<file name>"');

const pruningMethods = ['none', 'l1-unstructured', 'heads', 'neurons'] as const;

/** Axes of a grid; the sweep measures every combination (quantization × pruning method × amount × decoding × runtime). */
export const gridSchema = z
  .strictObject({
    quantization: z
      .array(z.union([quantizationSchema.shape.method, quantizationSchema]))
      .min(1)
      .max(64)
      .optional()
      .describe('Quantization specs, or method names as shorthand ("none", "int8-dynamic", ...).'),
    pruning: z
      .strictObject({
        method: z.array(z.enum(pruningMethods)).min(1).max(4),
        amount: z.array(z.number().min(0).max(MAX_PRUNING_AMOUNT, `amount must be in [0, ${MAX_PRUNING_AMOUNT}]`)).min(1).max(64),
        scope: z.enum(['per-layer', 'global']).optional(),
        targets: z.enum(['vision', 'text', 'all']).optional(),
      })
      .optional()
      .describe('Pruning methods × amounts; "none" adds the unpruned variant once.'),
    decoding: z.array(z.unknown()).min(1).max(64).optional().describe('Decoding settings, each as in a variant spec.'),
    runtime: z.array(runtimeSchema).min(1).max(16).optional().describe('Runtime settings, each as in a variant spec.'),
  })
  .describe('Axes expanded into variants; omitted axes keep the variant defaults.');

export const sweepRequestSchema = z
  .strictObject({
    name: z.string().min(1).max(200).optional(),
    model: z.string().min(1).max(200).describe('Name of a registered model (GET /v1/models).'),
    kind: z.enum(['benchmark', 'caption']).default('benchmark').describe('benchmark: timed runs, one at a time per host; caption: throughput.'),
    images: z.array(imageRefSchema).min(1).max(10_000),
    baseline: variantSchema.optional().describe('Variant every speedup is measured against; default fp32, dense, greedy.'),
    variants: z.array(variantSchema).max(10_000).optional(),
    grid: gridSchema.optional(),
    runs: z.number().int().min(1, 'runs must be from 1 to 1000').max(1000, 'runs must be from 1 to 1000').optional().describe('Timed runs per job; default 10 for benchmark, 1 for caption.'),
    warmupRuns: z.number().int().min(0).max(100).optional().describe('Discarded runs before timing; default 2 for benchmark, 0 for caption.'),
    forceNewTokens: z.number().int().min(1).max(MAX_TOKENS).nullable().optional().describe('Tokens every timed run generates, equal for all variants; default 20 for benchmark, null (stop at the stop token) for caption.'),
    maxNewTokens: z.number().int().min(1).max(MAX_TOKENS).optional(),
    prompt: z.string().max(2000).optional(),
    references: z.record(imageRefSchema, z.array(z.string().max(2000)).min(1).max(100)).optional().describe('Reference captions per image, for BLEU-4 and CIDEr.'),
  });

export type SweepRequest = z.output<typeof sweepRequestSchema>;
export type GridRequest = z.output<typeof gridSchema>;

export const captionRequestSchema = z.strictObject({
  model: z.string().min(1).max(200),
  image: imageRefSchema,
  variant: variantSchema.optional(),
  prompt: z.string().max(2000).optional(),
  maxNewTokens: z.number().int().min(1).max(MAX_TOKENS).optional(),
  waitMs: z.number().int().min(0).max(600_000).optional().describe('How long to wait for the caption before answering 202; default BLIPBENCH_CAPTION_WAIT_MS.'),
});

export type CaptionRequest = z.output<typeof captionRequestSchema>;

const isoDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const limit = z.coerce.number().int().min(1).max(500).default(50);

export const historyQuerySchema = z.strictObject({
  model: z.string().optional(),
  variant: z.string().optional().describe('Variant hash.'),
  quantization: quantizationSchema.shape.method.unwrap().optional(),
  pruning: z.enum(pruningMethods).optional(),
  amount: z.coerce.number().min(0).max(MAX_PRUNING_AMOUNT).optional(),
  decoding: z.enum(['greedy', 'beam', 'sample']).optional(),
  host: z.string().optional().describe('Host id or hostname.'),
  image: z.string().optional(),
  sweep: z.uuid().optional(),
  kind: z.enum(['benchmark', 'caption']).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit,
  cursor: z.uuid().optional().describe('nextCursor of the previous page.'),
});

export type HistoryQuery = z.output<typeof historyQuerySchema>;

export const speedupsQuerySchema = historyQuerySchema.omit({ limit: true, cursor: true, kind: true });
export type SpeedupsQuery = z.output<typeof speedupsQuerySchema>;

export const listQuerySchema = z.strictObject({ limit, cursor: z.string().max(64).optional().describe('nextCursor of the previous page.') });
