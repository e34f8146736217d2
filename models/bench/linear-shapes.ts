/**
 * Every Linear layer of a built variant with its real [out, in] shape (structured pruning included),
 * the graph that runs it, and the layer group that decides its quantization. FLOP and byte counts
 * are derived from this one list so they cannot disagree.
 */
import type { BlipConfig } from '../blip/config.js';
import type { LinearGroup } from '../blip/linear.js';
import type { VariantBuildReport } from '../variants/build-report.js';
import type { Variant } from '../variants/spec.js';

/** Heads and widths per layer, as a variant's build report records them. */
export type VariantShapes = VariantBuildReport['shapes'];

/**
 * Graph that runs a Linear: the image encoder once per image (the text decoder's cross-attention keys
 * and values included), or the text decoder once per decoder step.
 */
export type LinearStage = 'image-encoder' | 'decoder-step';

export interface LinearShape {
  /** Checkpoint name without `.weight`, e.g. `vision_model.encoder.layers.0.mlp.fc1`. */
  name: string;
  group: LinearGroup;
  stage: LinearStage;
  out: number;
  in: number;
}

function checkLayerCount(what: string, values: readonly number[], expected: number): void {
  if (values.length !== expected) throw new RangeError(`shapes.${what} has ${values.length} layers, expected ${expected} (the config's layer count)`);
  values.forEach((value, index) => {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`shapes.${what}[${index}] must be a non-negative integer, got ${value}`);
  });
}

/** Checks that a build report's shapes match the config's layer counts. */
export function checkShapes(config: BlipConfig, shapes: VariantShapes): void {
  checkLayerCount('vision.heads', shapes.vision.heads, config.vision.numLayers);
  checkLayerCount('vision.intermediate', shapes.vision.intermediate, config.vision.numLayers);
  checkLayerCount('text.heads', shapes.text.heads, config.text.numLayers);
  checkLayerCount('text.crossHeads', shapes.text.crossHeads, config.text.numLayers);
  checkLayerCount('text.intermediate', shapes.text.intermediate, config.text.numLayers);
}

/** Returns the unpruned shapes of a config, as a variant without structured pruning reports them. */
export function denseShapes(config: BlipConfig): VariantShapes {
  const repeat = (value: number, count: number) => Array.from({ length: count }, () => value);
  return {
    vision: { heads: repeat(config.vision.numHeads, config.vision.numLayers), intermediate: repeat(config.vision.intermediateSize, config.vision.numLayers) },
    text: {
      heads: repeat(config.text.numHeads, config.text.numLayers),
      crossHeads: repeat(config.text.numHeads, config.text.numLayers),
      intermediate: repeat(config.text.intermediateSize, config.text.numLayers),
    },
  };
}

/** Lists every Linear of both graphs in checkpoint order, with shapes after structured pruning. */
export function linearShapes(config: BlipConfig, shapes: VariantShapes): LinearShape[] {
  checkShapes(config, shapes);
  const { vision, text } = config;
  const visionHeadDim = vision.hiddenSize / vision.numHeads;
  const textHeadDim = text.hiddenSize / text.numHeads;
  const layers: LinearShape[] = [];
  const add = (name: string, group: LinearGroup, stage: LinearStage, out: number, inFeatures: number) => layers.push({ name, group, stage, out, in: inFeatures });

  for (let i = 0; i < vision.numLayers; i++) {
    const prefix = `vision_model.encoder.layers.${i}`;
    const width = shapes.vision.heads[i] * visionHeadDim;
    const intermediate = shapes.vision.intermediate[i];
    add(`${prefix}.self_attn.qkv`, 'vision', 'image-encoder', 3 * width, vision.hiddenSize);
    add(`${prefix}.self_attn.projection`, 'vision', 'image-encoder', vision.hiddenSize, width);
    add(`${prefix}.mlp.fc1`, 'vision', 'image-encoder', intermediate, vision.hiddenSize);
    add(`${prefix}.mlp.fc2`, 'vision', 'image-encoder', vision.hiddenSize, intermediate);
  }
  for (let i = 0; i < text.numLayers; i++) {
    const prefix = `text_decoder.bert.encoder.layer.${i}`;
    const selfWidth = shapes.text.heads[i] * textHeadDim;
    const crossWidth = shapes.text.crossHeads[i] * textHeadDim;
    const intermediate = shapes.text.intermediate[i];
    for (const part of ['query', 'key', 'value']) add(`${prefix}.attention.self.${part}`, 'text', 'decoder-step', selfWidth, text.hiddenSize);
    add(`${prefix}.attention.output.dense`, 'text', 'decoder-step', text.hiddenSize, selfWidth);
    add(`${prefix}.crossattention.self.query`, 'cross-attention', 'decoder-step', crossWidth, text.hiddenSize);
    // Keys and values read the image embeddings, so the image encoder graph computes them once per image.
    add(`${prefix}.crossattention.self.key`, 'cross-attention', 'image-encoder', crossWidth, vision.hiddenSize);
    add(`${prefix}.crossattention.self.value`, 'cross-attention', 'image-encoder', crossWidth, vision.hiddenSize);
    add(`${prefix}.crossattention.output.dense`, 'cross-attention', 'decoder-step', text.hiddenSize, crossWidth);
    add(`${prefix}.intermediate.dense`, 'text', 'decoder-step', intermediate, text.hiddenSize);
    add(`${prefix}.output.dense`, 'text', 'decoder-step', text.hiddenSize, intermediate);
  }
  add('text_decoder.cls.predictions.transform.dense', 'lm-head', 'decoder-step', text.hiddenSize, text.hiddenSize);
  add('text_decoder.cls.predictions.decoder', 'lm-head', 'decoder-step', text.vocabSize, text.hiddenSize);
  return layers;
}

/**
 * Tells whether a Linear of this group stays fp32 under a quantization setting, by the rule of
 * models/variants/quantization: keepFp32 lists groups, and keeping 'text' keeps the cross-attention too.
 */
export function runsInFp32(group: LinearGroup, quantization: Variant['quantization']): boolean {
  if (quantization.method === 'none') return true;
  const keep = new Set<string>(quantization.keepFp32);
  return keep.has(group) || (group === 'cross-attention' && keep.has('text'));
}
