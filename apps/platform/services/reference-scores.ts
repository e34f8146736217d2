/**
 * CIDEr-D against a sweep's reference captions. CIDEr weighs n-grams by how rare they are across
 * the images of a corpus, so it is computed once the sweep has finished, over all images of each
 * variant, rather than per job.
 */
import { ciderD } from '../../../models/index.js';
import type { PrismaClient } from '../db/client.js';

/** Writes referenceCider for every result of the sweep; returns how many results got a score. */
export async function scoreReferences(prisma: PrismaClient, sweepId: string): Promise<number> {
  const sweep = await prisma.sweep.findUnique({ where: { id: sweepId }, select: { references: true } });
  const references = (sweep?.references ?? null) as Record<string, string[]> | null;
  if (!references) return 0;
  const results = await prisma.result.findMany({ where: { sweepId }, select: { id: true, variantId: true, imageId: true, caption: true } });
  const byVariant = new Map<string, typeof results>();
  for (const result of results) if (references[result.imageId]) byVariant.set(result.variantId, [...(byVariant.get(result.variantId) ?? []), result]);
  let scored = 0;
  for (const group of byVariant.values()) {
    const scores = ciderD(group.map((result) => ({ candidate: result.caption, references: references[result.imageId] })));
    for (const [index, result] of group.entries()) {
      await prisma.result.update({ where: { id: result.id }, data: { referenceCider: scores[index] } });
      scored += 1;
    }
  }
  return scored;
}
