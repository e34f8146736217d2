import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  UNCASED_TEXT_SETTINGS,
  buildBertTokenizerConfig,
  buildBertTokenizerJson,
  buildSpecialTokensMap,
} from './tokenizer-json.js';

/** The files that writeTokenizerFiles creates, as loadTokenizer and transformers' BertTokenizer read them. */
export const TOKENIZER_FILE_NAMES = Object.freeze({
  tokenizerJson: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
  specialTokensMap: 'special_tokens_map.json',
  vocabTxt: 'vocab.txt',
});

/**
 * Writes a BERT-uncased-style tokenizer for `vocab` (one token per id) into `dir`: tokenizer.json,
 * tokenizer_config.json, special_tokens_map.json and vocab.txt. Creates `dir` when missing.
 */
export async function writeTokenizerFiles(dir: string, vocab: readonly string[]): Promise<void> {
  if (!Array.isArray(vocab) || vocab.length === 0) {
    throw new TypeError('vocab must be a non-empty array of token strings, one per id.');
  }
  const badIndex = vocab.findIndex((token) => typeof token !== 'string' || token.length === 0 || /[\r\n]/.test(token));
  if (badIndex >= 0) {
    throw new TypeError(`vocab[${badIndex}] is ${JSON.stringify(vocab[badIndex])}; each token must be a non-empty string without line breaks.`);
  }

  const tokenizerJson = buildBertTokenizerJson(vocab, UNCASED_TEXT_SETTINGS, 'vocab');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, TOKENIZER_FILE_NAMES.tokenizerJson), `${JSON.stringify(tokenizerJson)}\n`);
  await writeFile(join(dir, TOKENIZER_FILE_NAMES.tokenizerConfig), `${JSON.stringify(buildBertTokenizerConfig(UNCASED_TEXT_SETTINGS), null, 2)}\n`);
  await writeFile(join(dir, TOKENIZER_FILE_NAMES.specialTokensMap), `${JSON.stringify(buildSpecialTokensMap(), null, 2)}\n`);
  await writeFile(join(dir, TOKENIZER_FILE_NAMES.vocabTxt), `${vocab.join('\n')}\n`);
}
