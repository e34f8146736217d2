/**
 * Shapes of the API's JSON, derived from the platform services' return types so that a change
 * there fails the type check here. Only types are imported: nothing from the server is bundled.
 */
import type { queryHistory, speedupsReport } from '../../platform/services/history.js';
import type { liveWorkers } from '../../platform/services/hosts.js';
import type { ResultView } from '../../platform/services/results.js';
import type { sweepDetails } from '../../platform/services/sweep-details.js';

/** What JSON.stringify makes of a value: dates become ISO strings, bigints numbers. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends bigint
    ? number
    : T extends ReadonlyArray<infer Item>
      ? Jsonified<Item>[]
      : T extends object
        ? { [Key in keyof T]: Jsonified<T[Key]> }
        : T;

export type Result = Jsonified<ResultView>;
export type SweepDetails = Jsonified<Awaited<ReturnType<typeof sweepDetails>>>;
export type VariantSummary = SweepDetails['variants'][number];
export type HistoryPage = Jsonified<Awaited<ReturnType<typeof queryHistory>>>;
export type SpeedupsReport = Jsonified<Awaited<ReturnType<typeof speedupsReport>>>;
export type LiveWorker = Jsonified<Awaited<ReturnType<typeof liveWorkers>>>[number];

/** One stage timing of a timed run, as the worker stores it in runStagesMs. */
export interface StageTimings {
  preprocess: number;
  visionEncoder: number;
  decoder: number;
  decoderPerToken: number;
  total: number;
}
