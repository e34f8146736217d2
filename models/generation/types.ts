/**
 * Public types of text generation: the decoder interface that the strategies drive, the decoding options
 * (named after transformers' GenerationConfig fields) and the result.
 */

export interface DecoderStep {
  readonly vocabSize: number;
  /** Feeds new tokens (the same count for every row) and extends each row's cache; returns the logits of the LAST fed position of each row, rows × vocabSize, row-major. Row count is fixed by the first call. */
  step(tokens: number[][]): Promise<Float32Array>;
  /** Reorders the cache rows for beam search: new row i takes old row rows[i]; rows may repeat. Also used to expand one row into numBeams rows before the first beam step. */
  reorder(rows: number[]): void;
}

/** Rule that chooses the next token: argmax, beam search or multinomial sampling. */
export type DecodingStrategy = 'greedy' | 'beam' | 'sample';

/** When beam search stops; the values of transformers' `early_stopping`. */
export type EarlyStopping = boolean | 'never';

/** Decoding options as a caller passes them; every field may be left out. */
export interface DecodingOptions {
  /** Default 'greedy', the checkpoint's default (num_beams 1, do_sample false). */
  strategy?: DecodingStrategy;
  /** Maximum number of tokens after the prompt; takes precedence over maxLength, as in transformers. */
  maxNewTokens?: number;
  /** Maximum total length, prompt included. When neither this nor maxNewTokens is set, 20 new tokens (transformers 5). */
  maxLength?: number;
  /** Minimum number of tokens after the prompt before the stop token may be chosen; takes precedence over minLength. */
  minNewTokens?: number;
  /** Minimum total length, prompt included, before the stop token may be chosen. Default 0. */
  minLength?: number;
  /**
   * Generate exactly this many tokens for timing runs: sets both the minimum and the maximum number of new
   * tokens, so the stop token is masked until the end. Overrides maxNewTokens, maxLength, minNewTokens and minLength.
   */
  forceNewTokens?: number;
  /** Token that ends a caption. Default 102, BERT's [SEP], which BLIP passes to generate as eos_token_id. */
  eosTokenId?: number;
  /** Padding token of the checkpoint. Default 0. A single prompt never needs padding, so generate only validates it. */
  padTokenId?: number;
  /** Divides positive and multiplies negative scores of every token already in the sequence, prompt included. Default 1.0 (off). */
  repetitionPenalty?: number;
  /** Bans any token that would repeat an n-gram of this size already in the sequence. Default 0 (off). */
  noRepeatNgramSize?: number;
  /** Beams kept by beam search, 1..16. Default 3 with strategy 'beam' (the Salesforce BLIP demo's setting), else 1. */
  numBeams?: number;
  /** Exponent on the generated length that divides a finished beam's summed log-probability. Default 1.0. */
  lengthPenalty?: number;
  /** Beam search stop rule: true stops once numBeams hypotheses are finished, false and 'never' as in transformers. Default false. */
  earlyStopping?: EarlyStopping;
  /** Sampling: keep only the topK most likely tokens; 0 turns the filter off. Default 50. */
  topK?: number;
  /** Sampling: keep the smallest set of most likely tokens whose probability reaches topP, in (0, 1]. Default 1.0 (off). */
  topP?: number;
  /** Sampling: divides the logits before the top-k and top-p filters; must be > 0. Default 1.0. */
  temperature?: number;
  /** Sampling: seed of the generator, so a given seed always yields the same caption. Default 0. */
  seed?: number;
}

/** Decoding options after validation, with every default filled in. */
export interface ResolvedDecodingOptions {
  strategy: DecodingStrategy;
  maxNewTokens?: number;
  maxLength?: number;
  minNewTokens?: number;
  minLength: number;
  forceNewTokens?: number;
  eosTokenId: number;
  padTokenId: number;
  repetitionPenalty: number;
  noRepeatNgramSize: number;
  numBeams: number;
  lengthPenalty: number;
  earlyStopping: EarlyStopping;
  topK: number;
  topP: number;
  temperature: number;
  seed: number;
}

/** The result of one generate call. */
export interface GenerationOutput {
  /** Every token id, prompt included, ending with the stop token unless the maximum length was reached. */
  tokenIds: number[];
  /** Tokens generated after the prompt. */
  newTokens: number;
  /** Calls of DecoderStep.step, the prompt's included. */
  steps: number;
  /** Beam search only: the chosen hypothesis' summed log-probability divided by its generated length ** lengthPenalty. */
  score?: number;
}
