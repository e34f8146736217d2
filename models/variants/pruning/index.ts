/** Applies a variant's pruning steps, in order, to a copy of the fp32 weights. */
import type { BlipConfig } from '../../blip/config.js';
import type { Weight } from '../../blip/weights.js';
import type { LayerSparsity } from '../build-report.js';
import type { Variant } from '../spec.js';
import { pruneL1Global, pruneL1PerLayer } from './l1-unstructured.js';
import { prunableLinears } from './prunable-layers.js';
import { pruneFeedForward, pruneHeads } from './structured.js';

export { roundHalfToEven, pruneL1Global, pruneL1PerLayer } from './l1-unstructured.js';
export { prunableLinears } from './prunable-layers.js';

export function applyPruning(weights: ReadonlyMap<string, Weight>, config: BlipConfig, steps: Variant['pruning']): Map<string, Weight> {
  const pruned = new Map(weights);
  for (const step of steps) {
    if (step.amount === 0) continue;
    if (step.method === 'heads') pruneHeads(pruned, config, step.targets, step.amount);
    else if (step.method === 'neurons') pruneFeedForward(pruned, config, step.targets, step.amount);
    else {
      const names = prunableLinears(config, step.targets, step.includeLmHead).map((name) => `${name}.weight`);
      const tensors = names.map((name) => pruned.get(name)!);
      const result = step.scope === 'global' ? pruneL1Global(tensors, step.amount) : tensors.map((w) => pruneL1PerLayer(w, step.amount));
      names.forEach((name, i) => pruned.set(name, result[i]));
    }
  }
  return pruned;
}

/** Measures the fraction of exact zeros in every Linear weight (LM head included) and overall. */
export function measureSparsity(weights: ReadonlyMap<string, Weight>, config: BlipConfig): LayerSparsity {
  const perLayer: Record<string, number> = {};
  let zeros = 0;
  let total = 0;
  for (const name of prunableLinears(config, 'all', true)) {
    const data = weights.get(`${name}.weight`)?.data;
    if (!data) continue;
    let layerZeros = 0;
    for (let i = 0; i < data.length; i++) if (data[i] === 0) layerZeros++;
    perLayer[name] = data.length === 0 ? 0 : layerZeros / data.length;
    zeros += layerZeros;
    total += data.length;
  }
  return { perLayer, overall: total === 0 ? 0 : zeros / total };
}
