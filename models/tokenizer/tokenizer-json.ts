/**
 * The tokenizer.json and tokenizer_config.json contents of a BERT WordPiece tokenizer, in the format of the
 * Hugging Face tokenizers library, built from a vocabulary list (one token per id, as in vocab.txt).
 */
import { BERT_SPECIAL_TOKENS } from './special-tokens.js';

/** Normalizer settings of a BERT tokenizer; bert-base-uncased lower-cases and strips accents. */
export interface BertTextSettings {
  lowercase: boolean;
  /** null follows `lowercase`, as BERT's basic tokenizer does. */
  stripAccents: boolean | null;
  handleChineseChars: boolean;
}

export const UNCASED_TEXT_SETTINGS: Readonly<BertTextSettings> = Object.freeze({
  lowercase: true,
  stripAccents: null,
  handleChineseChars: true,
});

/** BERT's limit: a longer pre-tokenized word becomes [UNK] instead of being split. */
const MAX_INPUT_CHARS_PER_WORD = 100;
/** BLIP's text decoder has 512 learned positions. */
const MODEL_MAX_LENGTH = 512;

/** One entry of tokenizer.json's added_tokens. */
interface AddedTokenEntry {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export type TokenizerJson = Record<string, unknown> & { added_tokens: AddedTokenEntry[] };

/** Returns the id of each token in `vocab`; a token listed twice keeps its last id, as transformers' load_vocab does. */
export function indexVocab(vocab: readonly string[]): Map<string, number> {
  const ids = new Map<string, number>();
  vocab.forEach((token, id) => ids.set(token, id));
  return ids;
}

function requireTokenId(ids: Map<string, number>, token: string, source: string): number {
  const id = ids.get(token);
  if (id === undefined) {
    throw new Error(`${source} has no ${token} token; a BERT WordPiece vocabulary needs [UNK], [CLS] and [SEP].`);
  }
  return id;
}

/**
 * Builds tokenizer.json for a BERT WordPiece vocabulary: BertNormalizer, BertPreTokenizer, WordPiece with "##"
 * continuations, [CLS] $A [SEP] post-processing and the WordPiece decoder with clean-up.
 * `source` names the vocabulary in error messages (e.g. the vocab.txt path).
 */
export function buildBertTokenizerJson(vocab: readonly string[], settings: BertTextSettings, source: string): TokenizerJson {
  const ids = indexVocab(vocab);
  const unk = BERT_SPECIAL_TOKENS.unk.token;
  const cls = BERT_SPECIAL_TOKENS.cls.token;
  const sep = BERT_SPECIAL_TOKENS.sep.token;
  requireTokenId(ids, unk, source);
  const clsId = requireTokenId(ids, cls, source);
  const sepId = requireTokenId(ids, sep, source);

  // Special tokens are listed as added tokens, as transformers writes them for BERT; decoding with
  // skip_special_tokens removes exactly these.
  const addedTokens: AddedTokenEntry[] = Object.values(BERT_SPECIAL_TOKENS)
    .filter(({ token }) => ids.has(token))
    .map(({ token }) => ({
      id: ids.get(token) as number,
      content: token,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }))
    .sort((left, right) => left.id - right.id);

  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: settings.handleChineseChars,
      strip_accents: settings.stripAccents,
      lowercase: settings.lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: cls, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: sep, type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: cls, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: sep, type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: sep, type_id: 1 } },
      ],
      special_tokens: {
        [cls]: { id: cls, ids: [clsId], tokens: [cls] },
        [sep]: { id: sep, ids: [sepId], tokens: [sep] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: unk,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: MAX_INPUT_CHARS_PER_WORD,
      vocab: Object.fromEntries(ids),
    },
  };
}

/** Builds tokenizer_config.json as transformers reads it for a BertTokenizer. */
export function buildBertTokenizerConfig(settings: BertTextSettings): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: settings.lowercase,
    tokenize_chinese_chars: settings.handleChineseChars,
    strip_accents: settings.stripAccents,
    unk_token: BERT_SPECIAL_TOKENS.unk.token,
    sep_token: BERT_SPECIAL_TOKENS.sep.token,
    pad_token: BERT_SPECIAL_TOKENS.pad.token,
    cls_token: BERT_SPECIAL_TOKENS.cls.token,
    mask_token: BERT_SPECIAL_TOKENS.mask.token,
    model_max_length: MODEL_MAX_LENGTH,
    clean_up_tokenization_spaces: true,
  };
}

/** Builds special_tokens_map.json. */
export function buildSpecialTokensMap(): Record<string, string> {
  return {
    unk_token: BERT_SPECIAL_TOKENS.unk.token,
    sep_token: BERT_SPECIAL_TOKENS.sep.token,
    pad_token: BERT_SPECIAL_TOKENS.pad.token,
    cls_token: BERT_SPECIAL_TOKENS.cls.token,
    mask_token: BERT_SPECIAL_TOKENS.mask.token,
  };
}
