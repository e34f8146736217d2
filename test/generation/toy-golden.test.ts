/**
 * Greedy search, beam search and the logits processors against transformers 5.25 on the toy decoder.
 * The golden file is written by test/reference/generation_reference.py, which runs transformers' own
 * generate on a torch module that returns the same toy logits.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';

import { generate, parseDecodingOptions, type DecodingOptions } from '../../models/generation/index.js';
import { resolveLengthLimits } from '../../models/generation/length-limits.js';
import { applyProcessors, buildLogitsProcessors, buildSamplingWarpers } from '../../models/generation/processors/build-processors.js';
import { toyDecoder, toyLogits, type ToyTable } from './toy-decoder.js';

interface GoldenGenerate {
  name: string;
  table: ToyTable;
  prompt: number[];
  options: DecodingOptions;
  tokenIds: number[];
  score?: number;
}

interface GoldenProcessors {
  options: DecodingOptions;
  promptLength: number;
  tokens: number[];
  processors: string[];
  scores: (number | null)[];
  processed: (number | null)[];
}

const golden = JSON.parse(await readFile(new URL('../fixtures/generation/toy-golden.json', import.meta.url), 'utf8')) as {
  transformers: string;
  toyLogits: { table: ToyTable; tokens: number[]; logits: number[] }[];
  generate: GoldenGenerate[];
  processors: GoldenProcessors[];
};

/** torch works in float32 and this code in float64, so scores agree to about 1e-7 relative; 1e-5 leaves room. */
const SCORE_TOLERANCE = 1e-5;

/**
 * transformers adds MinLengthLogitsProcessor and MinNewTokensLengthLogitsProcessor for min_new_tokens, both with
 * the threshold prompt length + min_new_tokens; this code adds one min-length processor for both.
 */
function countWithoutDuplicateMinLength(names: string[]): number {
  const hasBoth = names.includes('MinLengthLogitsProcessor') && names.includes('MinNewTokensLengthLogitsProcessor');
  return hasBoth ? names.length - 1 : names.length;
}

function fromJsonScores(values: (number | null)[]): Float64Array {
  return Float64Array.from(values, (value) => (value === null ? -Infinity : value));
}

describe(`toy decoder against transformers ${golden.transformers}`, () => {
  it('toy table equals the Python one bit for bit', () => {
    for (const { table, tokens, logits } of golden.toyLogits) {
      assert.deepEqual(Array.from(toyLogits(table, tokens)), logits);
    }
  });

  for (const expected of golden.generate) {
    it(`${expected.name} gives transformers' ids`, async () => {
      const decoder = toyDecoder(expected.table);
      const result = await generate(decoder, expected.prompt, { ...expected.options, eosTokenId: expected.table.eosTokenId });

      assert.deepEqual(result.tokenIds, expected.tokenIds);
      assert.equal(result.newTokens, expected.tokenIds.length - expected.prompt.length);
      if (expected.score !== undefined) {
        assert.ok(result.score !== undefined, 'beam search reports a score');
        assert.ok(Math.abs(result.score - expected.score) <= SCORE_TOLERANCE * (1 + Math.abs(expected.score)), `score ${result.score} vs ${expected.score}`);
      }
    });
  }

  it('golden cases cover beam results that differ from greedy', () => {
    const byName = new Map(golden.generate.map((entry) => [entry.name, entry.tokenIds.join(',')]));
    assert.notEqual(byName.get('stop modes greedy'), byName.get('stop modes false'));
    assert.equal(new Set(['stop modes false', 'stop modes true', 'stop modes never'].map((name) => byName.get(name))).size, 3);
    assert.equal(new Set(['penalty -1', 'penalty 0', 'penalty 1', 'penalty 2'].map((name) => byName.get(name))).size, 4);
  });

  golden.processors.forEach((expected, index) => {
    it(`processors ${index} match ${expected.processors.join(' → ')}`, () => {
      const options = parseDecodingOptions({ strategy: 'sample', eosTokenId: 3, ...expected.options });
      const limits = resolveLengthLimits(expected.promptLength, options);
      const processors = [...buildLogitsProcessors(options, limits), ...buildSamplingWarpers(options)];
      assert.equal(processors.length, countWithoutDuplicateMinLength(expected.processors), 'same processors');

      const scores = fromJsonScores(expected.scores);
      applyProcessors(processors, expected.tokens, scores);
      const wanted = fromJsonScores(expected.processed);
      for (let token = 0; token < wanted.length; token++) {
        if (wanted[token] === -Infinity) {
          assert.equal(scores[token], -Infinity, `token ${token} is filtered`);
        } else {
          assert.ok(Math.abs(scores[token] - wanted[token]) <= SCORE_TOLERANCE * (1 + Math.abs(wanted[token])), `token ${token}: ${scores[token]} vs ${wanted[token]}`);
        }
      }
    });
  });
});
