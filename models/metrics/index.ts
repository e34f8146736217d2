/** Accuracy of a variant against the baseline and against reference captions. */
export { bleu4, captionTokens, exactMatch, tokenF1 } from './caption-overlap.js';
export { ciderD, type CiderItem } from './cider.js';
export { distributionDrift, type Drift } from './distribution-drift.js';
