/**
 * The Linear layers a pruning step may touch, in checkpoint order. Embeddings, the patch convolution
 * and LayerNorms are never pruned; the LM head only when asked.
 */
import type { BlipConfig } from '../../blip/config.js';
import { TEXT_PREFIX, textLayer, visionLayer } from '../../blip/weights.js';

export type PruningTargets = 'vision' | 'text' | 'all';

export function visionLinears(config: BlipConfig): string[] {
  return Array.from({ length: config.vision.numLayers }, (_, i) =>
    ['self_attn.qkv', 'self_attn.projection', 'mlp.fc1', 'mlp.fc2'].map((part) => `${visionLayer(i)}.${part}`),
  ).flat();
}

export function textLinears(config: BlipConfig): string[] {
  const parts = [
    'attention.self.query',
    'attention.self.key',
    'attention.self.value',
    'attention.output.dense',
    'crossattention.self.query',
    'crossattention.self.key',
    'crossattention.self.value',
    'crossattention.output.dense',
    'intermediate.dense',
    'output.dense',
  ];
  return Array.from({ length: config.text.numLayers }, (_, i) => parts.map((part) => `${textLayer(i)}.${part}`)).flat();
}

export const LM_HEAD_LINEARS = [`${TEXT_PREFIX}cls.predictions.transform.dense`, `${TEXT_PREFIX}cls.predictions.decoder`];

/** Names (without `.weight`) of the Linear layers in scope, vision first, as torch's module order has them. */
export function prunableLinears(config: BlipConfig, targets: PruningTargets, includeLmHead: boolean): string[] {
  const names: string[] = [];
  if (targets !== 'text') names.push(...visionLinears(config));
  if (targets !== 'vision') names.push(...textLinears(config));
  if (includeLmHead) names.push(...LM_HEAD_LINEARS);
  return names;
}
