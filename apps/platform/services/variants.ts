/** Variant rows: one per variant hash, created on first use and shared by every sweep. */
import { buildHash, variantHash, type Variant } from '../../../models/index.js';
import type { PrismaClient } from '../db/client.js';
import type { Variant as VariantRow } from '../../../prisma/generated/client.js';

export type { VariantRow };

/** Stores the variants that are new and returns the rows of all of them, keyed by variant hash. */
export async function upsertVariants(prisma: PrismaClient, variants: readonly Variant[]): Promise<Map<string, VariantRow>> {
  const data = variants.map((variant) => ({
    variantHash: variantHash(variant),
    buildHash: buildHash(variant),
    name: variant.name ?? null,
    spec: variant as object,
  }));
  await prisma.variant.createMany({ data, skipDuplicates: true });
  const rows = await prisma.variant.findMany({ where: { variantHash: { in: data.map((row) => row.variantHash) } } });
  return new Map(rows.map((row) => [row.variantHash, row]));
}
