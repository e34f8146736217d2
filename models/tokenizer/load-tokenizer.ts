import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelError } from '../engine/errors.js';
import { WordPieceCaptionTokenizer, type CaptionTokenizer } from './caption-tokenizer.js';
import { BERT_SPECIAL_TOKENS } from './special-tokens.js';
import { UNCASED_TEXT_SETTINGS, buildBertTokenizerJson, type BertTextSettings } from './tokenizer-json.js';
import { TOKENIZER_FILE_NAMES } from './write-tokenizer-files.js';

type JsonObject = Record<string, unknown>;

/** Reads a file, or returns undefined when it does not exist. Other read errors name the file. */
async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ModelError(`Cannot read tokenizer file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function parseJsonObject(text: string, path: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModelError(`Tokenizer file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ModelError(`Tokenizer file ${path} must contain a JSON object.`);
  }
  return parsed as JsonObject;
}

/** Normalizer settings from tokenizer_config.json, with BertTokenizer's defaults for missing keys. */
function textSettingsFromConfig(config: JsonObject): BertTextSettings {
  const lowercase = config.do_lower_case ?? UNCASED_TEXT_SETTINGS.lowercase;
  const stripAccents = config.strip_accents ?? UNCASED_TEXT_SETTINGS.stripAccents;
  const handleChineseChars = config.tokenize_chinese_chars ?? UNCASED_TEXT_SETTINGS.handleChineseChars;
  return {
    lowercase: lowercase === true,
    stripAccents: typeof stripAccents === 'boolean' ? stripAccents : null,
    handleChineseChars: handleChineseChars === true,
  };
}

/** Splits vocab.txt into one token per line, as transformers' load_vocab does (line index = id). */
function parseVocabTxt(text: string): string[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Returns the id of each added token marked special. */
function specialIdsOf(tokenizerJson: JsonObject): Set<number> {
  const addedTokens = Array.isArray(tokenizerJson.added_tokens) ? (tokenizerJson.added_tokens as JsonObject[]) : [];
  return new Set(addedTokens.filter((token) => token.special === true).map((token) => token.id as number));
}

function createTokenizer(tokenizerJson: JsonObject, config: JsonObject, source: string): CaptionTokenizer {
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer({ added_tokens: [], ...tokenizerJson }, config);
  } catch (error) {
    throw new ModelError(`Tokenizer in ${source} is not usable: ${(error as Error).message}`, { cause: error });
  }

  const vocab = tokenizer.get_vocab(true);
  const clsTokenId = vocab.get(BERT_SPECIAL_TOKENS.cls.token);
  const sepTokenId = vocab.get(BERT_SPECIAL_TOKENS.sep.token);
  if (clsTokenId === undefined || sepTokenId === undefined) {
    throw new ModelError(`Tokenizer in ${source} has no [CLS] or [SEP] token; BLIP's processor needs both.`);
  }
  return new WordPieceCaptionTokenizer({
    tokenizer,
    vocabSize: Math.max(...vocab.values()) + 1,
    clsTokenId,
    sepTokenId,
    specialTokenIds: specialIdsOf(tokenizerJson),
  });
}

/**
 * Loads the tokenizer of a model directory: tokenizer.json (with tokenizer_config.json when present), or, for
 * older BERT repositories, vocab.txt, from which the equivalent WordPiece tokenizer.json is built in memory.
 * Throws ModelError naming the directory and the files looked for when neither exists or a file is unusable.
 */
export async function loadTokenizer(modelDir: string): Promise<CaptionTokenizer> {
  if (typeof modelDir !== 'string' || modelDir.length === 0) {
    throw new TypeError('modelDir must be a non-empty path string.');
  }
  const tokenizerJsonPath = join(modelDir, TOKENIZER_FILE_NAMES.tokenizerJson);
  const configPath = join(modelDir, TOKENIZER_FILE_NAMES.tokenizerConfig);
  const vocabTxtPath = join(modelDir, TOKENIZER_FILE_NAMES.vocabTxt);

  const configText = await readOptionalFile(configPath);
  const config = configText === undefined ? {} : parseJsonObject(configText, configPath);

  const tokenizerJsonText = await readOptionalFile(tokenizerJsonPath);
  if (tokenizerJsonText !== undefined) {
    return createTokenizer(parseJsonObject(tokenizerJsonText, tokenizerJsonPath), config, tokenizerJsonPath);
  }

  const vocabText = await readOptionalFile(vocabTxtPath);
  if (vocabText !== undefined) {
    let tokenizerJson: JsonObject;
    try {
      tokenizerJson = buildBertTokenizerJson(parseVocabTxt(vocabText), textSettingsFromConfig(config), vocabTxtPath);
    } catch (error) {
      throw new ModelError((error as Error).message, { cause: error });
    }
    return createTokenizer(tokenizerJson, config, vocabTxtPath);
  }

  throw new ModelError(
    `No tokenizer found in ${modelDir}: expected ${TOKENIZER_FILE_NAMES.tokenizerJson} (optionally with ` +
      `${TOKENIZER_FILE_NAMES.tokenizerConfig}) or, for older BERT repositories, ${TOKENIZER_FILE_NAMES.vocabTxt}.`,
  );
}
