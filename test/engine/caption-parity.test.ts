/**
 * Whole captions against transformers' generate on the tiny model, from the shared photos through
 * sharp and the PIL-exact resize: greedy and beam search must give identical token ids.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { loadCaptioner, type Captioner } from '../../models/engine/captioner.js';
import { decodingFromSettings, readReference } from '../helpers/reference-fixtures.js';
import { REFERENCE_FIXTURES, SHARED_IMAGES, tinyModelDir } from '../helpers/tiny-model.js';

const reference = readReference(REFERENCE_FIXTURES);

describe('caption parity with transformers generate (tiny)', () => {
  let greedy: Captioner;
  before(async () => {
    greedy = await loadCaptioner({ modelDir: await tinyModelDir(), variant: { runtime: { threads: 1 } } });
  });
  after(() => greedy.dispose());

  for (const [stem, expected] of Object.entries(reference.images)) {
    it(`greedy ids match on ${stem}`, async () => {
      const result = await greedy.caption(join(SHARED_IMAGES, `${stem}.png`));
      assert.deepEqual(result.tokenIds, expected.greedy);
    });

    expected.beam.forEach(({ settings, tokenIds }) => {
      it(`beam search ids match on ${stem} with ${JSON.stringify(settings)}`, async () => {
        const decoding = decodingFromSettings(settings);
        const captioner = await loadCaptioner({ modelDir: await tinyModelDir(), variant: { decoding, runtime: { threads: 1 } } });
        try {
          const result = await captioner.caption(join(SHARED_IMAGES, `${stem}.png`));
          assert.deepEqual(result.tokenIds, tokenIds);
        } finally {
          await captioner.dispose();
        }
      });
    });
  }

  it('the cache-free decoder gives the same ids as the cached one', async () => {
    const uncached = await loadCaptioner({ modelDir: await tinyModelDir(), variant: { runtime: { threads: 1, kvCache: false } } });
    try {
      const result = await uncached.caption(join(SHARED_IMAGES, 'chelsea.png'));
      assert.deepEqual(result.tokenIds, reference.images.chelsea.greedy);
    } finally {
      await uncached.dispose();
    }
  });
});
