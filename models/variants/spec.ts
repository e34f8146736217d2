/**
 * The variant spec: which pruning, quantization, decoding and runtime settings a caption or benchmark uses.
 * The same JSON is accepted by the CLI (`--variant`) and the sweep API, validated here once.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

import { decodingSchema } from '../generation/index.js';

/** Largest pruning amount accepted: beyond it a layer keeps too few weights to produce a caption worth timing. */
export const MAX_PRUNING_AMOUNT = 0.95;

export const quantizationSchema = z
  .object({
    method: z.enum(['none', 'int8-dynamic', 'int8-weight-only', 'int4-weight-only']).default('none'),
    /** int8-dynamic only: one weight scale per tensor (torch's quantize_dynamic) or per output channel. */
    granularity: z.enum(['per-tensor', 'per-channel']).default('per-tensor'),
    /** int8-dynamic only: onnxruntime's fused contrib kernel, or the standard-opset DynamicQuantizeLinear + MatMulInteger. */
    int8Kernel: z.enum(['DynamicQuantizeMatMul', 'MatMulInteger']).default('DynamicQuantizeMatMul'),
    /** Weight-only methods: weights per quantization block along the input dimension (MatMulNBits block_size). */
    blockSize: z.number().int().refine((n) => [16, 32, 64, 128, 256].includes(n), 'blockSize must be one of 16, 32, 64, 128, 256').default(32),
    /** Weight-only methods: MatMulNBits accuracy_level; 4 computes in int8 (fastest on CPUs with VNNI), 0 in fp32. */
    accuracyLevel: z.union([z.literal(0), z.literal(1), z.literal(4)]).default(4),
    /** Layer groups kept in fp32: 'lm-head', 'vision', 'text', 'cross-attention'. */
    keepFp32: z.array(z.enum(['lm-head', 'vision', 'text', 'cross-attention'])).default([]),
  })
  .strict();

export const pruningStepSchema = z
  .object({
    method: z.enum(['l1-unstructured', 'heads', 'neurons']),
    amount: z.number().min(0, 'amount must be in [0, 0.95]').max(MAX_PRUNING_AMOUNT, 'amount must be in [0, 0.95]'),
    /** l1-unstructured only: rank weights within each Linear (torch's l1_unstructured) or across all of them. */
    scope: z.enum(['per-layer', 'global']).default('per-layer'),
    targets: z.enum(['vision', 'text', 'all']).default('all'),
    /** l1-unstructured only: also prune the LM head's Linear layers. */
    includeLmHead: z.boolean().default(false),
    /** l1-unstructured only: 'sparse' stores pruned weights as sparse initializers for onnxruntime's sparse MatMul. */
    format: z.enum(['dense', 'sparse']).default('dense'),
  })
  .strict();

export const runtimeSchema = z
  .object({
    /** Intra-op threads of onnxruntime; 0 lets onnxruntime choose (one per physical core). */
    threads: z.number().int().min(0).max(256).default(0),
    graphOptimization: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
    kvCache: z.boolean().default(true),
  })
  .strict();

export const variantSchema = z
  .object({
    /** A label for people; it is not part of the hash. */
    name: z.string().max(200).optional(),
    quantization: quantizationSchema.default(quantizationSchema.parse({})),
    /** Pruning steps applied in order to the fp32 weights, before any quantization. */
    pruning: z
      .union([pruningStepSchema, z.array(pruningStepSchema).max(4)])
      .default([])
      .transform((value) => (Array.isArray(value) ? value : [value])),
    decoding: decodingSchema.default(decodingSchema.parse({})),
    /** Text that starts every caption (conditional captioning), e.g. "a picture of". */
    prompt: z.string().min(1, 'prompt must not be empty; omit it for unconditional captions').max(2000).optional(),
    runtime: runtimeSchema.default(runtimeSchema.parse({})),
  })
  .strict()
  .superRefine((spec, context) => {
    // zod still runs this check when a field failed, with that field unparsed: skip until it parses.
    if (!Array.isArray(spec.pruning) || typeof spec.quantization !== 'object') return;
    spec.pruning.forEach((step, index) => {
      if (step.method !== 'l1-unstructured' && step.format === 'sparse') {
        context.addIssue({ code: 'custom', path: ['pruning', index, 'format'], message: `format "sparse" applies to l1-unstructured only, not to ${step.method}` });
      }
      if (step.method !== 'l1-unstructured' && step.scope === 'global') {
        context.addIssue({ code: 'custom', path: ['pruning', index, 'scope'], message: `scope "global" applies to l1-unstructured only, not to ${step.method}` });
      }
    });
    const methods = spec.pruning.map((step) => step.method);
    if (new Set(methods).size !== methods.length) {
      context.addIssue({ code: 'custom', path: ['pruning'], message: `each pruning method may appear once, got ${methods.join(', ')}` });
    }
    if (spec.pruning.some((step) => step.format === 'sparse') && spec.quantization.method !== 'none') {
      context.addIssue({ code: 'custom', path: ['quantization', 'method'], message: 'sparse pruning keeps fp32 sparse weights and cannot be combined with quantization; use format "dense"' });
    }
  });

/** A variant as the user wrote it (defaults optional). */
export type VariantInput = z.input<typeof variantSchema>;
/** A variant with every default filled in. */
export type Variant = z.output<typeof variantSchema>;

/** The fp32, dense, greedy variant that a sweep measures against when it names no other baseline. */
export const BASELINE_VARIANT: Variant = Object.freeze(variantSchema.parse({ name: 'baseline' })) as Variant;

/** Compares object keys by UTF-16 code units, so the order does not depend on the locale. */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Serializes with sorted keys, so that equal specs give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareKeys(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function shortHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/** Hashes what changes the built graphs (pruning, quantization): the key of a variant in the model store. */
export function buildHash(variant: Variant): string {
  return shortHash({ pruning: variant.pruning, quantization: variant.quantization });
}

/** Hashes everything that changes a measurement (the name excluded): the key of a variant in results. */
export function variantHash(variant: Variant): string {
  const { name: _name, ...rest } = variant;
  return shortHash(rest);
}

/** Validates a variant spec, throwing a zod error that names the field. */
export function parseVariant(input: unknown): Variant {
  return variantSchema.parse(input ?? {});
}
