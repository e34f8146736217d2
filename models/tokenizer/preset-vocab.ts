/**
 * Vocabularies for the models that this project generates with random weights. The real bert-base-uncased
 * vocabulary is not available offline, so these keep its layout (special ids, [unusedN] slots) and fill the
 * rest with characters, word pieces and common caption words.
 */
import { CAPTION_WORDS } from './caption-words.js';
import { BERT_SPECIAL_TOKENS, PRESET_VOCABS, type PresetVocabName } from './special-tokens.js';

/** Word-final pieces of two or more letters ("##s" is already a character continuation), so that words missing from the list still split into readable parts. */
const SUFFIX_PIECES: readonly string[] = Object.freeze([
  '##es', '##ed', '##ing', '##er', '##ers', '##est', '##ly', '##ies', '##ness', '##ful',
  '##less', '##ment', '##tion', '##able', '##al', '##ic', '##ish', '##ous', '##en', '##ion', '##ity', '##ive',
  '##age', '##ery', '##ist', '##man', '##men', '##ball', '##board', '##side',
]);

/** Printable ASCII characters without upper-case letters, in code-point order as in BERT's vocabulary. */
function singleCharacters(): string[] {
  const characters: string[] = [];
  for (let code = 0x21; code <= 0x7e; code++) {
    const character = String.fromCharCode(code);
    if (character >= 'A' && character <= 'Z') continue;
    characters.push(character);
  }
  return characters;
}

/** Ids 0..103 as in bert-base-uncased: [PAD], [unused0]..[unused98], [UNK], [CLS], [SEP], [MASK]. */
function bertSpecialLayout(): string[] {
  const layout: string[] = [BERT_SPECIAL_TOKENS.pad.token];
  while (layout.length < BERT_SPECIAL_TOKENS.unk.id) layout.push(`[unused${layout.length - 1}]`);
  layout.push(BERT_SPECIAL_TOKENS.unk.token, BERT_SPECIAL_TOKENS.cls.token, BERT_SPECIAL_TOKENS.sep.token, BERT_SPECIAL_TOKENS.mask.token);
  return layout;
}

/**
 * Builds the vocabulary of a preset, one token per id: BERT's special layout, single characters, their "##"
 * continuations (letters and digits), suffix pieces, the caption words, then [unusedN] filler up to the
 * preset's size (1000 for 'tiny', 30522 for 'random-base').
 */
export function buildPresetVocab(name: PresetVocabName): string[] {
  const facts = PRESET_VOCABS[name];
  if (facts === undefined) {
    throw new RangeError(`Unknown preset vocabulary "${String(name)}"; expected one of: ${Object.keys(PRESET_VOCABS).join(', ')}.`);
  }

  const layout = bertSpecialLayout();
  const characters = singleCharacters();
  const continuations = characters.filter((character) => /^[a-z0-9]$/.test(character)).map((character) => `##${character}`);
  const vocab = [...layout, ...characters, ...continuations, ...SUFFIX_PIECES, ...CAPTION_WORDS];

  const duplicates = vocab.filter((token, index) => vocab.indexOf(token) !== index);
  if (duplicates.length > 0) {
    throw new Error(`Preset vocabulary "${name}" lists these tokens twice: ${duplicates.join(', ')}.`);
  }
  if (vocab.length > facts.tokenizerVocabSize) {
    throw new Error(
      `Preset vocabulary "${name}" needs ${vocab.length} entries but has room for ${facts.tokenizerVocabSize}; shorten the caption word list.`,
    );
  }

  // The filler continues BERT's numbering: ids 1..99 hold [unused0]..[unused98], so the next is [unused99].
  let nextUnused = BERT_SPECIAL_TOKENS.unk.id - 1;
  while (vocab.length < facts.tokenizerVocabSize) vocab.push(`[unused${nextUnused++}]`);
  return vocab;
}
