/** BLIP's tokenizer: loading a model directory's tokenizer and writing the preset ones of generated models. */
export type { CaptionTokenizer } from './caption-tokenizer.js';
export { loadTokenizer } from './load-tokenizer.js';
export { writeTokenizerFiles, TOKENIZER_FILE_NAMES } from './write-tokenizer-files.js';
export { buildPresetVocab } from './preset-vocab.js';
export { BERT_SPECIAL_TOKENS, PRESET_VOCABS, type PresetVocabFacts, type PresetVocabName } from './special-tokens.js';
