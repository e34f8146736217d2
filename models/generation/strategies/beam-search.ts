/**
 * Beam search with the semantics of transformers' _beam_search (the vectorized version of transformers 5.x),
 * for one prompt. Scores are summed log-probabilities; finished hypotheses are ranked by
 * score / generatedLength ** lengthPenalty, where generatedLength counts the tokens after the prompt.
 * NOTE: scores are summed in float64 here and in float32 by torch, so hypotheses whose scores differ by less
 * than about 1e-6 may rank differently from transformers.
 */
import { logitsRow, stepRows } from '../decoder-rows.js';
import type { LengthLimits } from '../length-limits.js';
import { applyProcessors, buildLogitsProcessors } from '../processors/build-processors.js';
import { logSoftmax, topIndices } from '../score-math.js';
import type { DecoderStep, EarlyStopping, GenerationOutput, ResolvedDecodingOptions } from '../types.js';

/** transformers adds this to a score to rule a beam out (rather than -Infinity); matching it keeps ties and order equal. */
const EXCLUDED = -1.0e9;

/** A sequence that beam search is still extending, with its summed log-probability. */
interface RunningBeam {
  tokens: number[];
  score: number;
}

/** One of the numBeams slots of finished hypotheses; an empty slot has score EXCLUDED and finished false. */
interface Hypothesis {
  tokens: number[];
  score: number;
  finished: boolean;
}

/** One of the 2 × numBeams best continuations of the running beams. */
interface Candidate {
  /** Index of the running beam it extends. */
  source: number;
  tokens: number[];
  score: number;
  /** Ends with the stop token or reaches the maximum length. */
  hitsStop: boolean;
}

interface BeamSettings {
  numBeams: number;
  promptLength: number;
  maxLength: number;
  lengthPenalty: number;
  earlyStopping: EarlyStopping;
}

/**
 * Adds the candidates that just finished to the finished slots and keeps the best numBeams (_update_finished_beams).
 * Only candidates ranked among the top numBeams may finish; none may once every slot is finished with
 * earlyStopping true, or once no improvement is possible.
 */
function updateFinished(
  finished: Hypothesis[],
  candidates: Candidate[],
  settings: BeamSettings,
  improvementPossible: boolean,
): Hypothesis[] {
  const slotsFull = finished.every((hypothesis) => hypothesis.finished) && settings.earlyStopping === true;
  const fresh = candidates.map((candidate, rank): Hypothesis => {
    const justFinished = rank < settings.numBeams && candidate.hitsStop;
    const generatedLength = candidate.tokens.length - settings.promptLength;
    let score = candidate.score / generatedLength ** settings.lengthPenalty;
    if (slotsFull) score += EXCLUDED;
    if (!improvementPossible) score += EXCLUDED;
    if (!justFinished) score += EXCLUDED;
    return { tokens: candidate.tokens, score, finished: justFinished };
  });

  const merged = [...finished, ...fresh];
  return topIndices(
    merged.map((hypothesis) => hypothesis.score),
    settings.numBeams,
  ).map((index) => merged[index]);
}

/**
 * Checks whether the best running beam could still beat the worst finished hypothesis (_check_early_stop_heuristic).
 * The running score is length-normalized with the current generated length, or with the maximum one when
 * earlyStopping is 'never' and lengthPenalty > 0, because then longer can only score better.
 */
function canStillImprove(bestRunningScore: number, finished: Hypothesis[], length: number, settings: BeamSettings): boolean {
  const hypotheticalLength =
    settings.earlyStopping === 'never' && settings.lengthPenalty > 0
      ? settings.maxLength - settings.promptLength
      : length - settings.promptLength;
  const bestPossible = bestRunningScore / hypotheticalLength ** settings.lengthPenalty;
  const worstFinished = Math.min(...finished.map((hypothesis) => hypothesis.score));
  return finished.some((hypothesis) => bestPossible > (hypothesis.finished ? worstFinished : EXCLUDED));
}

/**
 * Runs beam search for one prompt. The prompt is fed as one decoder row; the first reorder expands it to
 * numBeams rows. Until then every beam reads row 0, which contains exactly what transformers' numBeams identical
 * copies of the prompt would.
 */
export async function beamSearch(
  decoder: DecoderStep,
  prompt: readonly number[],
  options: ResolvedDecodingOptions,
  limits: LengthLimits,
): Promise<GenerationOutput> {
  const vocabSize = decoder.vocabSize;
  const settings: BeamSettings = {
    numBeams: options.numBeams,
    promptLength: prompt.length,
    maxLength: limits.maxLength,
    lengthPenalty: options.lengthPenalty,
    earlyStopping: options.earlyStopping,
  };
  // transformers keeps max(2, 1 + number of stop tokens) × numBeams candidates, so that numBeams of them stay
  // open even when the best numBeams all end with the stop token.
  const candidateCount = 2 * settings.numBeams;
  const processors = buildLogitsProcessors(options, limits);

  // Only beam 0 starts with score 0, so the first step does not pick the same token on every (identical) beam.
  let running: RunningBeam[] = Array.from({ length: settings.numBeams }, (_, beam) => ({
    tokens: [...prompt],
    score: beam === 0 ? 0 : EXCLUDED,
  }));
  let finished: Hypothesis[] = Array.from({ length: settings.numBeams }, () => ({
    tokens: [...prompt],
    score: EXCLUDED,
    finished: false,
  }));
  let improvementPossible = true;
  let length = prompt.length;
  let logits = await stepRows(decoder, [[...prompt]]);
  let rowOfBeam = running.map(() => 0);
  let steps = 1;

  for (;;) {
    // Log-softmax first, then the processors, as transformers does in beam search; then add each beam's score.
    const accumulated = new Float64Array(settings.numBeams * vocabSize);
    running.forEach((beam, index) => {
      const logProbs = logSoftmax(logitsRow(logits, rowOfBeam[index], vocabSize));
      applyProcessors(processors, beam.tokens, logProbs);
      for (let token = 0; token < vocabSize; token++) accumulated[index * vocabSize + token] = logProbs[token] + beam.score;
    });

    const candidates = topIndices(accumulated, candidateCount).map((flatIndex): Candidate => {
      const source = Math.floor(flatIndex / vocabSize);
      const token = flatIndex % vocabSize;
      const tokens = [...running[source].tokens, token];
      const hitsStop = token === options.eosTokenId || tokens.length >= settings.maxLength;
      return { source, tokens, score: accumulated[flatIndex], hitsStop };
    });

    // The best numBeams candidates that have not stopped carry on; stopped ones are pushed to the end.
    const openScores = candidates.map((candidate) => candidate.score + (candidate.hitsStop ? EXCLUDED : 0));
    const continuing = topIndices(openScores, settings.numBeams).map((index) => ({
      source: candidates[index].source,
      beam: { tokens: candidates[index].tokens, score: openScores[index] },
    }));

    finished = updateFinished(finished, candidates, settings, improvementPossible);
    running = continuing.map(({ beam }) => beam);
    length += 1;
    improvementPossible = improvementPossible && canStillImprove(running[0].score, finished, length, settings);

    const allSlotsFinished = finished.every((hypothesis) => hypothesis.finished);
    const done =
      !improvementPossible ||
      (allSlotsFinished && settings.earlyStopping === true) ||
      candidates.every((candidate) => candidate.hitsStop);
    if (done) break;

    decoder.reorder(continuing.map(({ source }) => rowOfBeam[source]));
    rowOfBeam = running.map((_, index) => index);
    logits = await stepRows(
      decoder,
      running.map((beam) => [beam.tokens[beam.tokens.length - 1]]),
    );
    steps++;
  }

  const best = finished[0];
  return { tokenIds: best.tokens, newTokens: best.tokens.length - prompt.length, steps, score: best.score };
}
