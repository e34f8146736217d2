/**
 * Validation of decoding options: one zod schema with the defaults and limits, used by the API and the CLI
 * and again by generate itself.
 */
import { z } from 'zod';
import type { DecodingOptions, ResolvedDecodingOptions } from './types.js';

/** BLIP's text decoder has 512 learned positions, so no sequence may be longer. */
export const MAX_SEQUENCE_LENGTH = 512;
export const MAX_NUM_BEAMS = 16;
/** The Salesforce BLIP demo decodes captions with 3 beams. */
const DEFAULT_NUM_BEAMS_FOR_BEAM_STRATEGY = 3;

/** Defaults of the options that have one; unset length limits are resolved against the prompt in length-limits.ts. */
export const DECODING_DEFAULTS = Object.freeze({
  strategy: 'greedy',
  minLength: 0,
  eosTokenId: 102,
  padTokenId: 0,
  repetitionPenalty: 1.0,
  noRepeatNgramSize: 0,
  lengthPenalty: 1.0,
  earlyStopping: false,
  topK: 50,
  topP: 1.0,
  temperature: 1.0,
  seed: 0,
} as const);

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    // Deeply nested or cyclic input: name its kind rather than overflow the stack.
    return Array.isArray(value) ? 'an array' : typeof value;
  }
}

function integerField(name: string, min: number, max: number) {
  const rule = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  const error = (issue: { input?: unknown }) => `${name} must be ${rule}; got ${describe(issue.input)}.`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function numberField(name: string, rule: string, check: (value: number) => boolean) {
  const error = (issue: { input?: unknown }) => `${name} must be ${rule}; got ${describe(issue.input)}.`;
  return z.number({ error }).refine((value) => Number.isFinite(value) && check(value), { error });
}

const strategyError = (issue: { input?: unknown }) =>
  `strategy must be one of 'greedy', 'beam', 'sample'; got ${describe(issue.input)}.`;
const earlyStoppingError = (issue: { input?: unknown }) =>
  `earlyStopping must be true, false or 'never'; got ${describe(issue.input)}.`;

const fields = z
  .strictObject({
    strategy: z.enum(['greedy', 'beam', 'sample'], { error: strategyError }).default(DECODING_DEFAULTS.strategy),
    maxNewTokens: integerField('maxNewTokens', 1, MAX_SEQUENCE_LENGTH).optional(),
    maxLength: integerField('maxLength', 1, MAX_SEQUENCE_LENGTH).optional(),
    minNewTokens: integerField('minNewTokens', 0, MAX_SEQUENCE_LENGTH).optional(),
    minLength: integerField('minLength', 0, MAX_SEQUENCE_LENGTH).default(DECODING_DEFAULTS.minLength),
    forceNewTokens: integerField('forceNewTokens', 1, MAX_SEQUENCE_LENGTH).optional(),
    eosTokenId: integerField('eosTokenId', 0, Number.MAX_SAFE_INTEGER).default(DECODING_DEFAULTS.eosTokenId),
    padTokenId: integerField('padTokenId', 0, Number.MAX_SAFE_INTEGER).default(DECODING_DEFAULTS.padTokenId),
    repetitionPenalty: numberField('repetitionPenalty', 'a finite number > 0', (value) => value > 0).default(
      DECODING_DEFAULTS.repetitionPenalty,
    ),
    noRepeatNgramSize: integerField('noRepeatNgramSize', 0, MAX_SEQUENCE_LENGTH).default(DECODING_DEFAULTS.noRepeatNgramSize),
    numBeams: integerField('numBeams', 1, MAX_NUM_BEAMS).optional(),
    lengthPenalty: numberField('lengthPenalty', 'a finite number', () => true).default(DECODING_DEFAULTS.lengthPenalty),
    earlyStopping: z
      .union([z.boolean(), z.literal('never')], { error: earlyStoppingError })
      .default(DECODING_DEFAULTS.earlyStopping),
    topK: integerField('topK', 0, Number.MAX_SAFE_INTEGER).default(DECODING_DEFAULTS.topK),
    topP: numberField('topP', 'a number in (0, 1]', (value) => value > 0 && value <= 1).default(DECODING_DEFAULTS.topP),
    temperature: numberField('temperature', 'a finite number > 0', (value) => value > 0).default(DECODING_DEFAULTS.temperature),
    seed: integerField('seed', 0, 0xffffffff).default(DECODING_DEFAULTS.seed),
  }, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Unknown decoding option(s): ${issue.keys.join(', ')}.`
        : `Decoding options must be an object; got ${describe(issue.input)}.`,
  });

/** The zod schema of DecodingOptions: parsing fills the defaults and rejects out-of-range values, naming the field. */
export const decodingSchema: z.ZodType<ResolvedDecodingOptions, DecodingOptions> = fields
  .superRefine((options, context) => {
    if (options.numBeams !== undefined && options.numBeams > 1 && options.strategy !== 'beam') {
      context.addIssue({
        code: 'custom',
        path: ['numBeams'],
        message: `numBeams ${options.numBeams} needs strategy 'beam'; got strategy '${options.strategy}'.`,
      });
    }
  })
  .transform((options) => ({
    ...options,
    numBeams: options.numBeams ?? (options.strategy === 'beam' ? DEFAULT_NUM_BEAMS_FOR_BEAM_STRATEGY : 1),
  }));

/** Raised for decoding options outside their limits; the message lists each bad field. */
export class DecodingOptionsError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'DecodingOptionsError';
  }
}

/** Validates decoding options and fills the defaults; throws DecodingOptionsError naming every bad field. */
export function parseDecodingOptions(input: unknown): ResolvedDecodingOptions {
  const result = decodingSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new DecodingOptionsError(`Invalid decoding options: ${result.error.issues.map((issue) => issue.message).join(' ')}`);
  }
  return result.data;
}
