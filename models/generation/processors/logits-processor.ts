/**
 * Changes one row's next-token scores in place, given that row's tokens so far (prompt included).
 * Greedy search and sampling pass raw logits; beam search passes log-probabilities, as transformers does.
 */
export type LogitsProcessor = (tokens: readonly number[], scores: Float64Array) => void;
