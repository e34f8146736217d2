/**
 * The demo's model: the real BLIP base checkpoint from the hub by default, reused from the model
 * store when a copy exists, else random-base when the hub cannot be reached.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { fetchFromHub } from '../../../models/index.js';
import { createProgressBar } from '../../../models/sources/progress-bar.js';
import { describeError } from '../../platform/errors.js';
import { BUILTIN_MODELS, HUB_MODEL_NAME } from '../../platform/services/models.js';

export type DemoModelChoice = 'hub' | 'random-base' | 'tiny';

export interface DemoModel {
  /** Registered model name, also its folder under the model store. */
  name: string;
  randomWeights: boolean;
  /** Printed as the first line when the requested model could not be used. */
  notice: string | null;
}

/** Resolves the choice; for the hub, downloads into the store when there is no local copy yet. */
export async function chooseDemoModel(choice: DemoModelChoice, storeDir: string): Promise<DemoModel> {
  if (choice !== 'hub') return { name: choice, randomWeights: true, notice: null };
  const dir = join(storeDir, HUB_MODEL_NAME);
  if (existsSync(join(dir, 'config.json'))) return { name: HUB_MODEL_NAME, randomWeights: false, notice: null };
  const hub = BUILTIN_MODELS.find((model) => model.name === HUB_MODEL_NAME)!;
  const progress = createProgressBar();
  try {
    await fetchFromHub({ repo: hub.hubRepo!, revision: hub.hubRevision ?? 'main', outDir: dir, onProgress: progress.update });
    return { name: HUB_MODEL_NAME, randomWeights: false, notice: null };
  } catch (error) {
    return {
      name: 'random-base',
      randomWeights: true,
      notice: `The Hugging Face hub cannot be reached (${describeError(error)}) and there is no local copy in ${dir}: using random-base, BLIP base's shapes with random weights (timings are meaningful, captions are not).`,
    };
  } finally {
    progress.stop();
  }
}
