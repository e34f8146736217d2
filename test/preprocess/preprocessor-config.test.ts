import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelError } from '../../models/engine/errors.js';
import { DEFAULT_PREPROCESSOR_CONFIG, loadPreprocessorConfig, parsePreprocessorConfig } from '../../models/preprocess/index.js';
import { reference } from './fixtures.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'preprocessor-config-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('defaults equal the reference BlipImageProcessor', () => {
  const { processorConfig } = reference;
  assert.equal(processorConfig.resample, 3);
  assert.deepEqual(DEFAULT_PREPROCESSOR_CONFIG.size, processorConfig.size);
  assert.equal(DEFAULT_PREPROCESSOR_CONFIG.rescaleFactor, processorConfig.rescaleFactor);
  assert.deepEqual([...DEFAULT_PREPROCESSOR_CONFIG.imageMean], processorConfig.imageMean);
  assert.deepEqual([...DEFAULT_PREPROCESSOR_CONFIG.imageStd], processorConfig.imageStd);
  assert.ok(Object.isFrozen(DEFAULT_PREPROCESSOR_CONFIG));
});

test('model directory without preprocessor_config.json gets the defaults', () => {
  assert.equal(loadPreprocessorConfig(dir), DEFAULT_PREPROCESSOR_CONFIG);
});

test('preprocessor_config.json as transformers saves it is read', async () => {
  const modelDir = await mkdtemp(join(dir, 'model-'));
  const saved = {
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [0.5, 0.5, 0.5],
    image_processor_type: 'BlipImageProcessor',
    image_std: [0.25, 0.25, 0.25],
    processor_class: 'BlipProcessor',
    resample: 3,
    rescale_factor: 0.00392156862745098,
    size: { height: 224, width: 224 },
  };
  await writeFile(join(modelDir, 'preprocessor_config.json'), JSON.stringify(saved));
  assert.deepEqual(loadPreprocessorConfig(modelDir), {
    doResize: true,
    size: { height: 224, width: 224 },
    doRescale: true,
    rescaleFactor: 0.00392156862745098,
    doNormalize: true,
    imageMean: [0.5, 0.5, 0.5],
    imageStd: [0.25, 0.25, 0.25],
  });
});

test('integer size means a square', () => {
  assert.deepEqual(parsePreprocessorConfig('{"size": 320}', 'x.json').size, { height: 320, width: 320 });
});

test('unusable fields raise ModelError naming file and field', () => {
  const cases: [string, RegExp][] = [
    ['{"resample": 2}', /invalid field resample: resample is 2 \(BILINEAR\); only 3 \(BICUBIC\)/],
    ['{"size": {"shortest_edge": 384}}', /invalid field size: .*shortest_edge/],
    ['{"image_mean": [0.5, 0.5]}', /invalid field image_mean/],
    ['{"image_std": [0.2, 0, 0.2]}', /invalid field image_std\.1/],
    ['{"rescale_factor": "1/255"}', /invalid field rescale_factor/],
    ['{"do_convert_rgb": false}', /do_convert_rgb must be true/],
    ['{"do_center_crop": true}', /center cropping is not implemented/],
    ['{"size": 384,', /is not valid JSON/],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(
      () => parsePreprocessorConfig(text, 'models/blip/preprocessor_config.json'),
      (error: unknown) => error instanceof ModelError && error.message.startsWith('models/blip/preprocessor_config.json') && pattern.test(error.message),
      text,
    );
  }
});
