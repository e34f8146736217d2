/**
 * Expansion of a sweep's grid into variants: every combination of the axes, each validated as a
 * variant spec, duplicates (equal variant hash) dropped.
 */
import { ZodError } from 'zod';

import { parseVariant, variantHash, type Variant, type VariantInput } from '../../../models/variants/spec.js';
import { HttpError } from '../errors.js';
import type { GridRequest } from './requests.js';

type QuantizationAxisEntry = NonNullable<GridRequest['quantization']>[number];

function quantizationEntries(grid: GridRequest): Array<VariantInput['quantization'] | undefined> {
  if (!grid.quantization) return [undefined];
  return grid.quantization.map((entry: QuantizationAxisEntry) => (typeof entry === 'string' ? { method: entry } : entry));
}

function pruningEntries(grid: GridRequest): Array<VariantInput['pruning']> {
  if (!grid.pruning) return [[]];
  const { method, amount, scope, targets } = grid.pruning;
  const entries: Array<VariantInput['pruning']> = [];
  for (const name of method) {
    if (name === 'none') {
      entries.push([]);
      continue;
    }
    for (const value of amount) entries.push([{ method: name, amount: value, ...(scope ? { scope } : {}), ...(targets ? { targets } : {}) }]);
  }
  return entries;
}

/** Number of combinations the grid describes, before validation and de-duplication. */
export function gridSize(grid: GridRequest): number {
  return quantizationEntries(grid).length * pruningEntries(grid).length * (grid.decoding?.length ?? 1) * (grid.runtime?.length ?? 1);
}

/**
 * Expands the grid into validated variants. Throws HttpError 400 naming the grid entry that is not
 * a valid variant, or 422 when the grid expands past `maxVariants`.
 */
export function expandGrid(grid: GridRequest, maxVariants: number): Variant[] {
  const size = gridSize(grid);
  if (size > maxVariants) {
    throw new HttpError(422, 'grid_too_large', `grid expands to ${size} variants, above the limit of ${maxVariants} (BLIPBENCH_MAX_GRID_VARIANTS); remove values from an axis or split the sweep`);
  }
  const variants = new Map<string, Variant>();
  const decodings = grid.decoding ?? [undefined];
  const runtimes = grid.runtime ?? [undefined];
  for (const quantization of quantizationEntries(grid)) {
    for (const pruning of pruningEntries(grid)) {
      decodings.forEach((decoding, decodingIndex) => {
        for (const runtime of runtimes) {
          const input: Record<string, unknown> = { pruning };
          if (quantization) input.quantization = quantization;
          if (decoding !== undefined) input.decoding = decoding;
          if (runtime) input.runtime = runtime;
          let variant: Variant;
          try {
            variant = parseVariant(input);
          } catch (error) {
            if (!(error instanceof ZodError)) throw error;
            const issue = error.issues[0];
            const field = issue.path[0] === 'decoding' ? `grid.decoding[${decodingIndex}]${issue.path.slice(1).map((part) => `.${String(part)}`).join('')}` : `grid.${issue.path.map(String).join('.')}`;
            throw new HttpError(400, 'invalid_grid', `${field}: ${issue.message} (in the combination ${JSON.stringify(input)})`);
          }
          variants.set(variantHash(variant), variant);
        }
      });
    }
  }
  return [...variants.values()];
}
