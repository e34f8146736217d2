/**
 * Format "sparse" of l1-unstructured pruning: which Linear layers are stored as sparse initializers,
 * and the emitter that writes them.
 */
import type { BlipConfig } from '../../blip/config.js';
import { prunableLinears } from '../pruning/index.js';
import type { Variant } from '../spec.js';

export { nonzerosOfTransposed, sparseLinear, SPARSE_INITIALIZER_KERNEL, type CooMatrix } from './sparse-linear.js';

/** Names (without `.weight`) of the Linear layers pruned by an l1-unstructured step with format "sparse". */
export function sparseLinearNames(config: BlipConfig, pruning: Variant['pruning']): Set<string> {
  const names = new Set<string>();
  for (const step of pruning) {
    if (step.method !== 'l1-unstructured' || step.format !== 'sparse') continue;
    for (const name of prunableLinears(config, step.targets, step.includeLmHead)) names.add(name);
  }
  return names;
}
