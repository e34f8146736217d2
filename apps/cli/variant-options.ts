/**
 * Command-line options that build a variant spec: `--variant JSON` for everything, or flags for the
 * common fields, merged over it. The result goes through the same zod schema as the sweep API.
 */
import { InvalidArgumentError, type Command } from 'commander';

import { parseVariant, type Variant } from '../../models/variants/spec.js';

export interface VariantFlags {
  variant?: string;
  quantization?: string;
  prune?: string[];
  beams?: number;
  threads?: number;
}

function parseInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} expects a non-negative integer, got "${value}"`);
    return n;
  };
}

function parsePositive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} expects a positive integer, got "${value}"`);
    return n;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function addVariantOptions(command: Command): Command {
  return command
    .option('--variant <json>', 'variant spec as JSON, e.g. \'{"quantization":{"method":"int8-dynamic"}}\'; the flags below override the fields they set')
    .option('--quantization <method>', 'none, int8-dynamic, int8-weight-only or int4-weight-only')
    .option('--prune <method=amount>', 'pruning step, e.g. l1-unstructured=0.3, heads=0.25, neurons=0.3 (repeatable)', collect)
    .option('--beams <n>', 'beam search with n beams (1 = greedy)', parsePositive('--beams'))
    .option('--threads <n>', 'onnxruntime intra-op threads (0 = one per core)', parseInteger('--threads'));
}

/** Merges the flags over the --variant JSON and validates the result. */
export function variantFromFlags(flags: VariantFlags, source = '--variant'): Variant {
  let spec: Record<string, unknown> = {};
  if (flags.variant) {
    try {
      spec = JSON.parse(flags.variant) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`${source} is not valid JSON (${(error as Error).message}); pass an object such as '{"quantization":{"method":"int8-dynamic"}}'`, { cause: error });
    }
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new Error(`${source} must be a JSON object`);
  }
  if (flags.quantization) spec.quantization = { ...(spec.quantization as object), method: flags.quantization };
  if (flags.prune?.length) {
    spec.pruning = flags.prune.map((step) => {
      const [method, amount] = step.split('=');
      if (!method || amount === undefined || Number.isNaN(Number(amount))) throw new Error(`--prune expects method=amount such as l1-unstructured=0.3, got "${step}"`);
      return { method, amount: Number(amount) };
    });
  }
  if (flags.beams !== undefined) spec.decoding = { ...(spec.decoding as object), strategy: flags.beams > 1 ? 'beam' : 'greedy', numBeams: Math.max(1, flags.beams) };
  if (flags.threads !== undefined) spec.runtime = { ...(spec.runtime as object), threads: flags.threads };
  return parseVariant(spec);
}
