import type { Tokenizer } from '@huggingface/tokenizers';

/** BLIP's text side of the processor: prompt encoding and caption decoding. */
export interface CaptionTokenizer {
  /** Ids 0..vocabSize-1 are tokenizer entries; BLIP's [DEC] and [ENC] ids come after them. */
  readonly vocabSize: number;
  readonly clsTokenId: number;
  readonly sepTokenId: number;
  /**
   * Encodes a prompt as BlipProcessor does (add_special_tokens, no padding): [CLS], the lower-cased WordPiece
   * ids, [SEP]. BLIP's generate later writes [DEC] over [CLS] and drops the trailing [SEP].
   */
  encodePrompt(text: string): number[];
  /**
   * Decodes generated ids as `processor.decode(ids, skip_special_tokens=True)` does, then trims: special tokens
   * and ids outside the vocabulary ([DEC], [ENC]) are dropped, "##" pieces join the previous token and the
   * clean-up removes the space before punctuation and contractions. " do not" stays as it is: tokenizers 0.23
   * applies its "do not" → "don't" rule to single tokens, where it never matches.
   */
  decode(ids: readonly number[]): string;
}

/** Settings of a tokenizer that loadTokenizer has read and checked. */
export interface CaptionTokenizerParts {
  tokenizer: Tokenizer;
  vocabSize: number;
  clsTokenId: number;
  sepTokenId: number;
  /** Ids of the added tokens marked special ([PAD], [UNK], [CLS], [SEP], [MASK] for BERT). */
  specialTokenIds: ReadonlySet<number>;
}

/** A CaptionTokenizer over a loaded @huggingface/tokenizers Tokenizer. */
export class WordPieceCaptionTokenizer implements CaptionTokenizer {
  readonly vocabSize: number;
  readonly clsTokenId: number;
  readonly sepTokenId: number;
  readonly #tokenizer: Tokenizer;
  readonly #specialTokenIds: ReadonlySet<number>;

  constructor(parts: CaptionTokenizerParts) {
    this.#tokenizer = parts.tokenizer;
    this.#specialTokenIds = parts.specialTokenIds;
    this.vocabSize = parts.vocabSize;
    this.clsTokenId = parts.clsTokenId;
    this.sepTokenId = parts.sepTokenId;
  }

  encodePrompt(text: string): number[] {
    if (typeof text !== 'string') {
      throw new TypeError(`prompt must be a string, got ${typeof text}.`);
    }
    return this.#tokenizer.encode(text, { add_special_tokens: true }).ids;
  }

  decode(ids: readonly number[]): string {
    if (!Array.isArray(ids)) {
      throw new TypeError(`ids must be an array of token ids, got ${typeof ids}.`);
    }
    const badIndex = ids.findIndex((id) => !Number.isInteger(id));
    if (badIndex >= 0) {
      throw new TypeError(`ids[${badIndex}] is ${String(ids[badIndex])}; token ids must be integers.`);
    }

    // The Rust tokenizer behind BertTokenizerFast skips ids that it has no token for, and skip_special_tokens
    // drops the special ones. Filtering here also stops the JS decoder from turning unknown ids into [UNK].
    const kept = ids.filter((id) => !this.#specialTokenIds.has(id) && this.#tokenizer.id_to_token(id) !== undefined);
    if (kept.length === 0) return '';
    return this.#tokenizer.decode(kept, { skip_special_tokens: true }).trim();
  }
}
