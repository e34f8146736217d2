/**
 * FLOP and byte counts for BLIP base against values computed by hand from its shapes.
 * The vision side is ViT-B/16 at 384 px: 577 tokens, width 768, MLP 3072, 12 layers.
 * The decoder is a 12-layer BERT (width 768, FFN 3072, vocabulary 30524) with cross-attention over the image tokens.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decoderFlops, decoderStepBytes, decoderStepFlops, denseShapes, linearBytes, linearShapes, visionEncoderFlops, type VariantShapes } from '../../models/bench/index.js';
import { presetConfig } from '../../models/sources/presets.js';
import { parseVariant } from '../../models/variants/spec.js';

const config = presetConfig('random-base');
const dense = denseShapes(config);
const T = 577;
const D = 768;
const I = 3072;
const VOCAB = 30524;
const quantization = (spec: object) => parseVariant({ quantization: spec }).quantization;

describe('vision encoder FLOPs of BLIP base', () => {
  const flops = visionEncoderFlops(config, dense);

  it('counts the patch convolution', () => {
    // 576 patches, each a 768-output dot product over 3·16·16 = 768 inputs.
    assert.equal(flops.patchEmbedding, 2 * 576 * 768 * 768);
  });

  it('counts the Linear layers per token', () => {
    // qkv 768→2304 and projection 768→768 per layer; fc1 768→3072 and fc2 3072→768.
    assert.equal(flops.attentionProjections, 12 * 2 * T * (D * 3 * D + D * D));
    assert.equal(flops.mlp, 12 * 2 * T * (2 * D * I));
  });

  it('counts attention scores and context', () => {
    // Q·Kᵀ and softmax·V: 577 × 577 × 768 multiply-adds each, per layer.
    assert.equal(flops.attentionScoresAndContext, 12 * 2 * 2 * T * T * D);
  });

  it('counts the cross-attention keys and values', () => {
    assert.equal(flops.crossKeyValue, 12 * 2 * 2 * T * D * D);
  });

  it('is about 2·86M·577 plus attention', () => {
    // ViT-B/16 has about 86 M parameters, nearly all in the Linears every token passes through.
    const linearAndPatch = flops.total - flops.attentionScoresAndContext - flops.crossKeyValue;
    const estimate = 2 * 86e6 * T;
    assert.ok(Math.abs(linearAndPatch - estimate) / estimate < 0.01, `${linearAndPatch} is not within 1 % of ${estimate}`);
    assert.equal(flops.total, 127_302_930_432);
  });

  it('follows pruned heads and neurons', () => {
    const pruned: VariantShapes = structuredClone(dense);
    pruned.vision.heads[3] = 8;
    pruned.vision.intermediate[5] = 2000;
    const after = visionEncoderFlops(config, pruned);
    const headWidth = 4 * 64;
    assert.equal(flops.attentionProjections - after.attentionProjections, 2 * T * (D * 3 * headWidth + D * headWidth));
    assert.equal(flops.attentionScoresAndContext - after.attentionScoresAndContext, 2 * 2 * T * T * headWidth);
    assert.equal(flops.mlp - after.mlp, 2 * T * 2 * D * (I - 2000));
  });
});

describe('decoder step FLOPs of BLIP base', () => {
  it('counts each block of a step with an empty cache', () => {
    const step = decoderStepFlops(config, dense, 0);
    assert.equal(step.selfAttention, 12 * (2 * 4 * D * D + 2 * 2 * 1 * D));
    assert.equal(step.crossAttention, 12 * (2 * 2 * D * D + 2 * 2 * T * D));
    assert.equal(step.feedForward, 12 * 2 * 2 * D * I);
    assert.equal(step.lmHead, 2 * D * D + 2 * D * VOCAB);
    assert.equal(step.total, step.selfAttention + step.crossAttention + step.feedForward + step.lmHead);
  });

  it('grows with the cache length', () => {
    const grown = decoderStepFlops(config, dense, 10).selfAttention - decoderStepFlops(config, dense, 0).selfAttention;
    assert.equal(grown, 12 * 2 * 2 * 10 * D);
  });

  it('sums one step per generated token', () => {
    let expected = 0;
    for (let cache = 0; cache < 20; cache++) expected += decoderStepFlops(config, dense, cache).total;
    assert.equal(decoderFlops(config, dense, 1, 20), expected);
  });

  it('feeds the whole prompt in the first step', () => {
    const first = decoderStepFlops(config, dense, 0, 4);
    assert.equal(first.lmHead, 4 * (2 * D * D + 2 * D * VOCAB));
    assert.equal(decoderFlops(config, dense, 4, 1), first.total);
  });
});

describe('decoder step bytes of BLIP base', () => {
  // Per layer: self q, k, v, o and cross q, o (768×768 each) and the FFN pair; then the LM head.
  const layerWeights = 6 * D * D + 2 * D * I;
  const layerBiases = 6 * D + I + D;
  const headWeights = D * D + VOCAB * D;
  const headBiases = D + VOCAB;
  const weightCount = 12 * layerWeights + headWeights;
  const biasBytes = 4 * (12 * layerBiases + headBiases);
  const otherBytes = 4 * ((3 * 12 + 2) * 2 * D + 2 * D);

  it('reads fp32 weights at 4 bytes', () => {
    const bytes = decoderStepBytes(config, dense, quantization({}), 0);
    assert.equal(bytes.weights, 4 * weightCount + biasBytes + otherBytes);
    assert.ok(Math.abs(bytes.weights / 1e6 - 493.3) < 0.1, `${bytes.weights} bytes`);
  });

  it('reads int8-dynamic weights at 1 byte plus one scale per Linear', () => {
    const bytes = decoderStepBytes(config, dense, quantization({ method: 'int8-dynamic' }), 0);
    const linears = 12 * 8 + 2;
    assert.equal(bytes.weights, weightCount + 4 * linears + biasBytes + otherBytes);
  });

  it('reads int4 weights at half a byte plus block scales', () => {
    const bytes = decoderStepBytes(config, dense, quantization({ method: 'int4-weight-only', blockSize: 32 }), 0);
    assert.equal(bytes.weights, weightCount / 2 + (4 * weightCount) / 32 + biasBytes + otherBytes);
  });

  it('keeps the listed groups fp32', () => {
    const keep = quantization({ method: 'int8-dynamic', keepFp32: ['lm-head'] });
    const head = linearShapes(config, dense).find((layer) => layer.name.endsWith('cls.predictions.decoder'))!;
    assert.equal(linearBytes(head, keep), 4 * VOCAB * D + 4 * VOCAB);
    assert.equal(decoderStepBytes(config, dense, keep, 0).linearByGroup['lm-head'], 4 * headWeights + 4 * headBiases);
  });

  it('counts the image keys and values and the cache', () => {
    const bytes = decoderStepBytes(config, dense, quantization({}), 9);
    assert.equal(bytes.crossKeyValue, 12 * 2 * T * D * 4);
    assert.equal(bytes.selfCache, 12 * 2 * 9 * D * 4);
  });
});

describe('FLOP counts with bad input', () => {
  it('rejects shapes of another layer count', () => {
    const wrong: VariantShapes = structuredClone(dense);
    wrong.vision.heads.pop();
    assert.throws(() => visionEncoderFlops(config, wrong), (error: Error) => error instanceof RangeError && /shapes\.vision\.heads has 11 layers, expected 12/.test(error.message));
  });

  it('rejects a negative cache length', () => {
    assert.throws(() => decoderStepFlops(config, dense, -1), (error: Error) => error instanceof RangeError && /cacheLength/.test(error.message));
    assert.throws(() => decoderStepBytes(config, dense, quantization({}), 1.5), (error: Error) => error instanceof RangeError && /cacheLength/.test(error.message));
  });

  it('rejects zero generated tokens', () => {
    assert.throws(() => decoderFlops(config, dense, 1, 0), (error: Error) => error instanceof RangeError && /newTokens/.test(error.message));
  });
});
