/**
 * The ONNX graphs against transformers' BlipForConditionalGeneration on the tiny model: vision
 * encoder output and decoder logits within 1e-4 absolute plus 1e-4 relative (fp32), from the
 * reference fixtures written by test/reference/blip_reference.py.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';

import { IMAGE_ENCODER_FILE, TEXT_DECODER_FILE } from '../../models/blip/build-graphs.js';
import { GraphSession, OrtTensor, type Fetches } from '../../models/engine/onnx-session.js';
import { ensureVariantBuilt } from '../../models/variants/build.js';
import { BASELINE_VARIANT } from '../../models/variants/spec.js';
import { assertAllClose } from '../helpers/close-to.js';
import { readFloats, readReference, readReferencePixels } from '../helpers/reference-fixtures.js';
import { REFERENCE_FIXTURES, tinyModelDir } from '../helpers/tiny-model.js';

const ATOL = 1e-4;
const RTOL = 1e-4;
const reference = readReference(REFERENCE_FIXTURES);
const floats = (file: string) => readFloats(REFERENCE_FIXTURES, file);
const referencePixels = (stem: string) => readReferencePixels(REFERENCE_FIXTURES, stem);

describe('graph parity with transformers (tiny, fp32)', () => {
  let encoder: GraphSession;
  let decoder: GraphSession;
  const encoded = new Map<string, Fetches>();

  before(async () => {
    const { dir } = await ensureVariantBuilt(await tinyModelDir(), BASELINE_VARIANT);
    const settings = { threads: 1, graphOptimization: 'all' as const };
    encoder = await GraphSession.open(join(dir, IMAGE_ENCODER_FILE), settings);
    decoder = await GraphSession.open(join(dir, TEXT_DECODER_FILE), settings);
  });

  for (const stem of Object.keys(reference.images)) {
    it(`vision encoder output matches on ${stem}`, async () => {
      const out = await encoder.run({ pixel_values: new OrtTensor('float32', referencePixels(stem), [1, 3, 384, 384]) });
      encoded.set(stem, out);
      assert.deepEqual(out.image_embeds.dims.slice(1), reference.images[stem].embedsShape);
      assertAllClose(out.image_embeds.data as Float32Array, floats(`embeds-${stem}.bin`), ATOL, RTOL, `image_embeds of ${stem}`);
    });
  }

  it('decoder logits match for fixed input ids', async () => {
    const { image, inputIds, shape } = reference.logits;
    const cross = encoded.get(image) ?? (await encoder.run({ pixel_values: new OrtTensor('float32', referencePixels(image), [1, 3, 384, 384]) }));
    const feeds: Record<string, InstanceType<typeof OrtTensor>> = {
      input_ids: new OrtTensor('int64', BigInt64Array.from(inputIds.map(BigInt)), [1, inputIds.length]),
    };
    for (let layer = 0; cross[`cross_key.${layer}`]; layer++) {
      const [, heads, , headDim] = cross[`cross_key.${layer}`].dims;
      feeds[`past_key.${layer}`] = new OrtTensor('float32', new Float32Array(0), [1, heads, 0, headDim]);
      feeds[`past_value.${layer}`] = new OrtTensor('float32', new Float32Array(0), [1, heads, 0, headDim]);
      feeds[`cross_key.${layer}`] = cross[`cross_key.${layer}`];
      feeds[`cross_value.${layer}`] = cross[`cross_value.${layer}`];
    }
    const out = await decoder.run(feeds);
    assert.deepEqual(out.logits.dims.slice(1), shape);
    assertAllClose(out.logits.data as Float32Array, floats('logits.bin'), ATOL, RTOL, 'decoder logits');
  });
});
