import type { LogitsProcessor } from './logits-processor.js';

/** transformers' TemperatureLogitsWarper: divides every score by the temperature. */
export function temperature(value: number): LogitsProcessor {
  return (_tokens, scores) => {
    for (let index = 0; index < scores.length; index++) scores[index] /= value;
  };
}
