/**
 * The caption tokenizer on both preset vocabularies, against transformers' BlipProcessor and BertTokenizer
 * (golden file written by test/reference/tokenizer_reference.py with transformers 5.25, tokenizers 0.23).
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ModelError } from '../../models/engine/errors.js';
import {
  PRESET_VOCABS,
  buildPresetVocab,
  loadTokenizer,
  writeTokenizerFiles,
  type CaptionTokenizer,
  type PresetVocabName,
} from '../../models/tokenizer/index.js';

interface GoldenPreset {
  vocabSize: number;
  encode: { text: string; ids: number[] }[];
  decode: { ids: number[]; text: string }[];
}

const golden = JSON.parse(
  await readFile(new URL('../fixtures/tokenizer/tokenizer-golden.json', import.meta.url), 'utf8'),
) as { presets: Record<PresetVocabName, GoldenPreset> };

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'blipbench-tokenizer-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

for (const name of ['tiny', 'random-base'] as const) {
  describe(`${name} tokenizer`, () => {
    const vocab = buildPresetVocab(name);
    const idOf = (token: string) => vocab.indexOf(token);
    const facts = PRESET_VOCABS[name];
    let fromJson: CaptionTokenizer;
    let fromVocabTxt: CaptionTokenizer;

    before(async () => {
      const dir = join(root, name);
      await writeTokenizerFiles(dir, vocab);
      fromJson = await loadTokenizer(dir);

      const vocabOnly = join(root, `${name}-vocab-only`);
      await mkdir(vocabOnly);
      await copyFile(join(dir, 'vocab.txt'), join(vocabOnly, 'vocab.txt'));
      fromVocabTxt = await loadTokenizer(vocabOnly);
    });

    it('encodes "a picture of" as [CLS] words [SEP]', () => {
      assert.deepEqual(fromJson.encodePrompt('a picture of'), [101, idOf('a'), idOf('picture'), idOf('of'), 102]);
    });

    it('lower-cases and splits punctuation', () => {
      assert.deepEqual(fromJson.encodePrompt('A DOG, Sitting.'), [101, idOf('a'), idOf('dog'), idOf(','), idOf('sitting'), idOf('.'), 102]);
    });

    it('splits unknown words into ## pieces', () => {
      assert.deepEqual(fromJson.encodePrompt('cats'), [101, idOf('cat'), idOf('##s'), 102]);
    });

    it('reports sizes and special ids', () => {
      assert.equal(fromJson.vocabSize, facts.tokenizerVocabSize);
      assert.equal(fromJson.clsTokenId, 101);
      assert.equal(fromJson.sepTokenId, 102);
    });

    it('decode drops [DEC], [SEP] and [PAD]', () => {
      const ids = [facts.decoderStartTokenId, idOf('a'), idOf('dog'), 102, 0, 0];
      assert.equal(fromJson.decode(ids), 'a dog');
    });

    it('decode drops [ENC] and ids past the model vocabulary', () => {
      assert.equal(fromJson.decode([facts.encoderTokenId, idOf('dog'), facts.modelVocabSize + 5, -1]), 'dog');
    });

    it('decode joins ## pieces', () => {
      assert.equal(fromJson.decode([idOf('cat'), idOf('##s'), idOf('sleep'), idOf('##ing')]), 'cats sleeping');
    });

    it('decode cleans up punctuation and contractions', () => {
      const ids = [idOf('don'), idOf("'"), idOf('t'), idOf('run'), idOf(','), idOf('it'), idOf("'"), idOf('s'), idOf('a'), idOf('dog'), idOf('!')];
      assert.equal(fromJson.decode(ids), "don't run, it's a dog!");
    });

    it('decode of nothing but special ids is empty', () => {
      assert.equal(fromJson.decode([facts.decoderStartTokenId, 102, 0]), '');
      assert.equal(fromJson.decode([]), '');
    });

    it('encodes like BlipProcessor', () => {
      for (const { text, ids } of golden.presets[name].encode) {
        assert.deepEqual(fromJson.encodePrompt(text), ids, JSON.stringify(text));
      }
    });

    it('decodes like processor.decode', () => {
      for (const { ids, text } of golden.presets[name].decode) {
        assert.equal(fromJson.decode(ids), text, JSON.stringify(ids));
      }
    });

    it('vocab.txt alone gives the same tokenizer', () => {
      assert.equal(fromVocabTxt.vocabSize, facts.tokenizerVocabSize);
      for (const { text, ids } of golden.presets[name].encode) {
        assert.deepEqual(fromVocabTxt.encodePrompt(text), ids, JSON.stringify(text));
      }
      for (const { ids, text } of golden.presets[name].decode) {
        assert.equal(fromVocabTxt.decode(ids), text, JSON.stringify(ids));
      }
    });
  });
}

describe('tokenizer bad calls', () => {
  it('missing tokenizer names the directory and files', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    await assert.rejects(loadTokenizer(empty), (error: Error) => {
      assert.ok(error instanceof ModelError);
      assert.ok(error.message.includes(empty), error.message);
      assert.match(error.message, /tokenizer\.json/);
      assert.match(error.message, /vocab\.txt/);
      return true;
    });
  });

  it('missing directory names the directory', async () => {
    const missing = join(root, 'does-not-exist');
    await assert.rejects(loadTokenizer(missing), (error: Error) => error instanceof ModelError && error.message.includes(missing));
  });

  it('invalid tokenizer.json names the file', async () => {
    const dir = join(root, 'broken-json');
    await mkdir(dir);
    await writeFile(join(dir, 'tokenizer.json'), '{"model": ');
    await assert.rejects(loadTokenizer(dir), (error: Error) => {
      assert.ok(error instanceof ModelError);
      assert.ok(error.message.includes(join(dir, 'tokenizer.json')), error.message);
      assert.match(error.message, /not valid JSON/);
      return true;
    });
  });

  it('tokenizer.json without a model names the file', async () => {
    const dir = join(root, 'no-model');
    await mkdir(dir);
    await writeFile(join(dir, 'tokenizer.json'), '{"added_tokens": []}');
    await assert.rejects(loadTokenizer(dir), (error: Error) => error instanceof ModelError && error.message.includes(join(dir, 'tokenizer.json')));
  });

  it('vocab.txt without [CLS] names the file', async () => {
    const dir = join(root, 'no-cls');
    await mkdir(dir);
    await writeFile(join(dir, 'vocab.txt'), '[PAD]\n[UNK]\n[SEP]\na\n');
    await assert.rejects(loadTokenizer(dir), (error: Error) => {
      assert.ok(error instanceof ModelError);
      assert.ok(error.message.includes(join(dir, 'vocab.txt')), error.message);
      assert.match(error.message, /\[CLS\]/);
      return true;
    });
  });

  it('vocab.txt honours do_lower_case false', async () => {
    const dir = join(root, 'cased');
    await mkdir(dir);
    await writeFile(join(dir, 'vocab.txt'), '[PAD]\n[UNK]\n[CLS]\n[SEP]\nDog\ndog\n');
    await writeFile(join(dir, 'tokenizer_config.json'), '{"do_lower_case": false}');
    const tokenizer = await loadTokenizer(dir);
    assert.deepEqual(tokenizer.encodePrompt('Dog dog'), [2, 4, 5, 3]);
  });

  it('decode rejects non-integer ids naming the index', async () => {
    const tokenizer = await loadTokenizer(join(root, 'tiny'));
    assert.throws(() => tokenizer.decode([5, 1.5]), (error: Error) => error instanceof TypeError && /ids\[1\] is 1\.5/.test(error.message));
  });

  it('encodePrompt rejects a non-string', async () => {
    const tokenizer = await loadTokenizer(join(root, 'tiny'));
    assert.throws(() => tokenizer.encodePrompt(42 as unknown as string), (error: Error) => error instanceof TypeError && /prompt must be a string/.test(error.message));
  });

  it('writeTokenizerFiles rejects an empty or bad vocabulary', async () => {
    await assert.rejects(writeTokenizerFiles(join(root, 'unused'), []), TypeError);
    await assert.rejects(writeTokenizerFiles(join(root, 'unused'), ['[PAD]', 'a\nb']), (error: Error) => error instanceof TypeError && /vocab\[1\]/.test(error.message));
  });
});
