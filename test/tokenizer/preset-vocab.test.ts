import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BERT_SPECIAL_TOKENS, PRESET_VOCABS, buildPresetVocab, type PresetVocabName } from '../../models/tokenizer/index.js';
import { CAPTION_WORDS } from '../../models/tokenizer/caption-words.js';

const PRESETS: PresetVocabName[] = ['tiny', 'random-base'];

describe('preset vocabularies', () => {
  for (const name of PRESETS) {
    it(`${name} has the size of its facts table`, () => {
      const vocab = buildPresetVocab(name);
      assert.equal(vocab.length, PRESET_VOCABS[name].tokenizerVocabSize);
      assert.equal(new Set(vocab).size, vocab.length, 'every token appears once');
    });

    it(`${name} keeps BERT's special ids`, () => {
      const vocab = buildPresetVocab(name);
      for (const { token, id } of Object.values(BERT_SPECIAL_TOKENS)) assert.equal(vocab[id], token);
      assert.equal(vocab[1], '[unused0]');
      assert.equal(vocab[99], '[unused98]');
    });

    it(`${name} holds every caption word, letter and digit`, () => {
      const vocab = new Set(buildPresetVocab(name));
      for (const word of CAPTION_WORDS) assert.ok(vocab.has(word), word);
      for (const character of 'abcdefghijklmnopqrstuvwxyz0123456789') {
        assert.ok(vocab.has(character), character);
        assert.ok(vocab.has(`##${character}`), `##${character}`);
      }
      for (const punctuation of '.,!?\'"-()') assert.ok(vocab.has(punctuation), punctuation);
    });
  }

  it('tiny ends with unused filler after the words', () => {
    const vocab = buildPresetVocab('tiny');
    assert.equal(vocab[vocab.length - 1].startsWith('[unused'), true);
    assert.equal(vocab.indexOf('[unused99]') > vocab.indexOf(CAPTION_WORDS[CAPTION_WORDS.length - 1]), true);
  });

  it('random-base starts like tiny', () => {
    const tiny = buildPresetVocab('tiny');
    const base = buildPresetVocab('random-base');
    assert.deepEqual(base.slice(0, tiny.length), tiny);
    const firstFiller = base.indexOf('[unused99]');
    assert.equal(base[30521], `[unused${99 + 30521 - firstFiller}]`);
  });

  it('facts place [DEC] and [ENC] after the tokenizer', () => {
    assert.deepEqual(
      { ...PRESET_VOCABS.tiny },
      { tokenizerVocabSize: 1000, modelVocabSize: 1002, decoderStartTokenId: 1000, encoderTokenId: 1001, eosTokenId: 102, padTokenId: 0 },
    );
    assert.deepEqual(
      { ...PRESET_VOCABS['random-base'] },
      { tokenizerVocabSize: 30522, modelVocabSize: 30524, decoderStartTokenId: 30522, encoderTokenId: 30523, eosTokenId: 102, padTokenId: 0 },
    );
  });

  it('caption word list has about 700 unique words', () => {
    assert.equal(new Set(CAPTION_WORDS).size, CAPTION_WORDS.length);
    assert.ok(CAPTION_WORDS.length >= 650 && CAPTION_WORDS.length <= 800, `${CAPTION_WORDS.length} words`);
  });

  it('unknown preset is a RangeError naming it', () => {
    assert.throws(() => buildPresetVocab('huge' as PresetVocabName), (error: Error) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /"huge"/);
      assert.match(error.message, /tiny, random-base/);
      return true;
    });
  });
});
