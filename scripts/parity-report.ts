/**
 * Prints how closely the engine matches transformers on a model, from fixtures written by
 * test/reference/blip_reference.py. It is run by hand and gives the full-size random-base figures:
 *   npx tsx scripts/parity-report.ts --model models/store/random-base --fixtures DIR
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { IMAGE_ENCODER_FILE, TEXT_DECODER_FILE } from '../models/blip/build-graphs.js';
import { loadCaptioner } from '../models/engine/captioner.js';
import { GraphSession, OrtTensor, type Tensor } from '../models/engine/onnx-session.js';
import { decodingFromSettings, readFloats, readReference, readReferencePixels } from '../test/helpers/reference-fixtures.js';

const SHARED_IMAGES = join(import.meta.dirname, '..', '..', 'shared', 'data', 'images');
const { values } = parseArgs({ options: { model: { type: 'string' }, fixtures: { type: 'string' } } });
if (!values.model || !values.fixtures) {
  process.stderr.write('usage: npx tsx scripts/parity-report.ts --model DIR --fixtures DIR\n');
  process.exit(2);
}
const modelDir = values.model;
const fixtures = values.fixtures;
const reference = readReference(fixtures);

/** Max |a − b|, max |a − b| / (|b| + 1e-6) and whether every element is within 1e-4 + 1e-4·|b|. */
function compare(actual: Float32Array, expected: Float32Array) {
  let maxAbs = 0;
  let maxRef = 0;
  let outside = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    maxAbs = Math.max(maxAbs, diff);
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
    if (!(diff <= 1e-4 + 1e-4 * Math.abs(expected[i]))) outside++;
  }
  const verdict = outside === 0 ? 'all' : `${expected.length - outside} of ${expected.length}`;
  return `max |diff| ${maxAbs.toExponential(2)} (max |ref| ${maxRef.toFixed(2)}), ${verdict} elements within 1e-4 + 1e-4·|ref|`;
}

const baseline = await loadCaptioner({ modelDir });
const settings = { threads: 0, graphOptimization: 'all' as const };
const encoder = await GraphSession.open(join(baseline.build.dir, IMAGE_ENCODER_FILE), settings);
const decoder = await GraphSession.open(join(baseline.build.dir, TEXT_DECODER_FILE), settings);
process.stdout.write(`reference: transformers ${reference.transformers}, torch ${reference.torch}; model ${modelDir}\n`);

let crossOfLogitsImage: Record<string, Tensor> = {};
for (const [stem, expected] of Object.entries(reference.images)) {
  const cross = await encoder.run({ pixel_values: new OrtTensor('float32', readReferencePixels(fixtures, stem), [1, 3, 384, 384]) });
  if (stem === reference.logits.image) crossOfLogitsImage = cross;
  process.stdout.write(`${stem}: vision encoder ${compare(cross.image_embeds.data as Float32Array, readFloats(fixtures, `embeds-${stem}.bin`))}\n`);
  const greedy = await baseline.caption(join(SHARED_IMAGES, `${stem}.png`));
  process.stdout.write(`${stem}: greedy ids ${JSON.stringify(greedy.tokenIds) === JSON.stringify(expected.greedy) ? 'identical' : `DIFFER: ${greedy.tokenIds} vs ${expected.greedy}`}\n`);
  for (const beam of expected.beam) {
    const captioner = await loadCaptioner({ modelDir, variant: { decoding: decodingFromSettings(beam.settings) } });
    const result = await captioner.caption(join(SHARED_IMAGES, `${stem}.png`));
    await captioner.dispose();
    process.stdout.write(`${stem}: beam ${JSON.stringify(beam.settings)} ids ${JSON.stringify(result.tokenIds) === JSON.stringify(beam.tokenIds) ? 'identical' : `DIFFER: ${result.tokenIds} vs ${beam.tokenIds}`}\n`);
  }
}

const { inputIds } = reference.logits;
const feeds: Record<string, Tensor> = { input_ids: new OrtTensor('int64', BigInt64Array.from(inputIds.map(BigInt)), [1, inputIds.length]) };
for (let layer = 0; crossOfLogitsImage[`cross_key.${layer}`]; layer++) {
  const [, heads, , headDim] = crossOfLogitsImage[`cross_key.${layer}`].dims;
  feeds[`past_key.${layer}`] = new OrtTensor('float32', new Float32Array(0), [1, heads, 0, headDim]);
  feeds[`past_value.${layer}`] = new OrtTensor('float32', new Float32Array(0), [1, heads, 0, headDim]);
  feeds[`cross_key.${layer}`] = crossOfLogitsImage[`cross_key.${layer}`];
  feeds[`cross_value.${layer}`] = crossOfLogitsImage[`cross_value.${layer}`];
}
const logits = await decoder.run(feeds);
process.stdout.write(`decoder logits for ${inputIds.length} fixed ids: ${compare(logits.logits.data as Float32Array, readFloats(fixtures, 'logits.bin'))}\n`);
await Promise.all([baseline.dispose(), encoder.release(), decoder.release()]);
