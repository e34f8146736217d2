/** `blipbench variants explain`: show what a variant spec resolves to, its hashes and the layers it touches. */
import type { Command } from 'commander';

import { loadBlipConfig, type BlipConfig } from '../../../models/blip/config.js';
import { presetConfig } from '../../../models/sources/presets.js';
import { prunableLinears } from '../../../models/variants/pruning/index.js';
import { checkQuantization } from '../../../models/variants/quantization/index.js';
import { buildHash, variantHash, type Variant } from '../../../models/variants/spec.js';
import { variantFromFlags } from '../variant-options.js';

const PRUNED_UNITS = { heads: 'attention heads', neurons: 'feed-forward neurons', 'l1-unstructured': 'weights' } as const;

function touchedLayers(variant: Variant, config: BlipConfig) {
  const pruning = variant.pruning.map((step) => {
    const layers = step.method === 'l1-unstructured' ? prunableLinears(config, step.targets, step.includeLmHead) : [];
    const units = PRUNED_UNITS[step.method];
    return { method: step.method, amount: step.amount, removes: `${(step.amount * 100).toFixed(1)} % of ${units} per ${step.scope === 'global' ? 'model' : 'layer'} in ${step.targets}`, linearLayers: layers.length || undefined };
  });
  const groups = ['vision', 'text', 'cross-attention', 'lm-head'] as const;
  const keep = new Set<string>(variant.quantization.keepFp32);
  const quantized = variant.quantization.method === 'none' ? [] : groups.filter((group) => !keep.has(group) && !(group === 'cross-attention' && keep.has('text')));
  return { pruning, quantizedGroups: quantized };
}

export function registerVariantsCommands(program: Command): void {
  const variants = program.command('variants').description('Inspect variant specs');
  variants
    .command('explain')
    .description('Print a variant with defaults filled in, its hashes and the layers it touches')
    .argument('<json>', 'variant spec as JSON')
    .option('--model <dir>', 'check the spec against this model directory instead of BLIP base')
    .action((json: string, options: { model?: string }) => {
      const variant = variantFromFlags({ variant: json }, 'the variant argument');
      const config = options.model ? loadBlipConfig(options.model) : presetConfig('random-base');
      checkQuantization(variant.quantization, config);
      const explanation = { variant, variantHash: variantHash(variant), buildHash: buildHash(variant), touches: touchedLayers(variant, config) };
      process.stdout.write(`${JSON.stringify(explanation, null, 2)}\n`);
    });
}
