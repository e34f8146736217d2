import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { convertTorchBinToSafetensors, type ConversionResult } from '../checkpoint/index.js';
import { downloadResumable, type TransferSettings } from './hub-download.js';
import { HubSourceError } from './hub-errors.js';
import { listRepoFiles, planDownload, type WeightsFile } from './hub-listing.js';
import { resolveHubOptions, type FetchFromHubOptions, type ResolvedHubOptions } from './hub-options.js';
import { exists, prepareStaging, publishStaging } from './hub-staging.js';
import { checkDownloadedFile, type ExpectedFile } from './hub-verify.js';

export { HubSourceError } from './hub-errors.js';
export { HUB_DEFAULTS, type DownloadProgress, type FetchFromHubOptions } from './hub-options.js';

/** The architecture in config.json that BLIP Bench builds graphs for. */
const BLIP_ARCHITECTURE = 'BlipForConditionalGeneration';

export interface HubFetchResult {
  outDir: string;
  repo: string;
  revision: string;
  /** Files in outDir, model.safetensors included. */
  files: string[];
  /** The weights file taken from the repository. */
  weightsSource: WeightsFile;
  /** Set when pytorch_model.bin was converted into model.safetensors. */
  conversion?: ConversionResult;
}

/**
 * Downloads a BLIP captioning checkpoint from the Hugging Face hub into a new model directory:
 * config.json, preprocessor_config.json, the tokenizer files the repository has, and
 * model.safetensors (or pytorch_model.bin, converted once and then deleted). Every file is checked
 * against the listing's sha256 (LFS files) or git blob id, and the directory appears at outDir only
 * when complete. Transfers resume with Range requests. After a transfer failure the staging
 * directory `${outDir}.partial-<pid>` is kept, so a rerun resumes it. Any other failure removes it.
 */
export async function fetchFromHub(options: FetchFromHubOptions): Promise<HubFetchResult> {
  const resolved = resolveHubOptions(options);
  if (!resolved.overwrite && (await exists(resolved.outDir))) {
    throw new HubSourceError(`${resolved.outDir} already exists; remove it or pass overwrite.`);
  }
  const plan = planDownload(resolved.repo, await listRepoFiles(resolved));

  const staging = await prepareStaging(resolved.outDir);
  try {
    const transfer = transferSettings(resolved);
    for (const file of plan.files) {
      await fetchVerified(transfer, file, staging);
      if (file.path === 'config.json') await assertBlipConfig(resolved.repo, join(staging, 'config.json'));
    }
    let conversion: ConversionResult | undefined;
    if (plan.weights === 'pytorch_model.bin') {
      const bin = join(staging, 'pytorch_model.bin');
      conversion = await convertTorchBinToSafetensors(bin, join(staging, 'model.safetensors'));
      await rm(bin);
    }
    await publishStaging(staging, resolved.outDir, resolved.overwrite);
    const files = plan.files.map((file) => (file.path === 'pytorch_model.bin' ? 'model.safetensors' : file.path));
    return { outDir: resolved.outDir, repo: resolved.repo, revision: resolved.revision, files, weightsSource: plan.weights, conversion };
  } catch (error) {
    if (!(error instanceof HubSourceError && error.retryable)) await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

function transferSettings(options: ResolvedHubOptions): TransferSettings {
  return {
    resolveBase: `${options.hubUrl}/${options.repo}/resolve/${encodeURIComponent(options.revision)}`,
    accessToken: options.accessToken,
    maxAttempts: options.maxAttempts,
    retryDelayMs: options.retryDelayMs,
    stallTimeoutMs: options.stallTimeoutMs,
    onProgress: options.onProgress,
  };
}

/** Downloads one file into staging (unless a verified copy from an earlier run is there) and checks it. */
async function fetchVerified(transfer: TransferSettings, file: ExpectedFile, staging: string): Promise<void> {
  const target = join(staging, file.path);
  if ((await exists(target)) && (await checkDownloadedFile(target, file)) === undefined) return;

  const partial = join(staging, '.partial', file.path);
  await downloadResumable(transfer, file, partial);
  const problem = await checkDownloadedFile(partial, file);
  if (problem) {
    await rm(partial, { force: true });
    throw new HubSourceError(`${file.path} from the hub is corrupt: ${problem}; the download was deleted.`);
  }
  await rename(partial, target);
}

async function assertBlipConfig(repo: string, path: string): Promise<void> {
  let config: unknown;
  try {
    config = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new HubSourceError(`config.json of ${repo} is not valid JSON (${(error as Error).message}).`);
  }
  const architectures = (config as { architectures?: unknown }).architectures;
  if (!Array.isArray(architectures) || !architectures.includes(BLIP_ARCHITECTURE)) {
    throw new HubSourceError(
      `Repository ${repo} is not a BLIP captioning model: config.json architectures is ${JSON.stringify(architectures ?? null)}, expected ["${BLIP_ARCHITECTURE}"].`,
    );
  }
}
