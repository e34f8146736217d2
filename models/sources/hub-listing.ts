import { HubApiError, listFiles, type ListFileEntry } from '@huggingface/hub';
import { HubSourceError } from './hub-errors.js';
import type { ResolvedHubOptions } from './hub-options.js';
import type { ExpectedFile } from './hub-verify.js';

/** Files a model directory needs besides the weights. */
export const REQUIRED_FILES = ['config.json', 'preprocessor_config.json'] as const;
/** Tokenizer files, taken when the repository has them; at least one of tokenizer.json and vocab.txt must exist. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt', 'special_tokens_map.json'] as const;

export type WeightsFile = 'model.safetensors' | 'pytorch_model.bin';

/** The files to download, in download order: config first, so a wrong architecture stops before the weights. */
export interface DownloadPlan {
  files: ExpectedFile[];
  weights: WeightsFile;
}

/** Lists the repository's root files with @huggingface/hub's listFiles and maps hub failures to HubSourceError. */
export async function listRepoFiles(options: ResolvedHubOptions): Promise<Map<string, ExpectedFile>> {
  const files = new Map<string, ExpectedFile>();
  try {
    const entries = listFiles({
      repo: { type: 'model', name: options.repo },
      revision: options.revision,
      recursive: false,
      hubUrl: options.hubUrl,
      accessToken: options.accessToken,
    });
    for await (const entry of entries) {
      if (entry.type === 'file') files.set(entry.path, toExpected(entry));
    }
  } catch (error) {
    throw listingError(error, options);
  }
  return files;
}

function toExpected(entry: ListFileEntry): ExpectedFile {
  if (entry.lfs) return { path: entry.path, size: entry.lfs.size, sha256: entry.lfs.oid };
  return { path: entry.path, size: entry.size, gitOid: entry.oid };
}

function listingError(error: unknown, options: ResolvedHubOptions): HubSourceError {
  const where = `${options.repo}@${options.revision} on ${options.hubUrl}`;
  if (error instanceof HubApiError) {
    if (error.statusCode === 404) {
      return new HubSourceError(
        `Repository ${where} was not found (HTTP 404: ${error.message}); check the repo id and revision, and HF_TOKEN for a private or gated repository.`,
        { cause: error },
      );
    }
    if (error.statusCode === 401 || error.statusCode === 403) {
      return new HubSourceError(`Access to ${where} was denied (HTTP ${error.statusCode}); set HF_TOKEN to a token that can read it.`, { cause: error });
    }
    return new HubSourceError(`Listing the files of ${where} failed: ${error.message}`, { retryable: error.statusCode >= 500, cause: error });
  }
  const reason = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error);
  return new HubSourceError(`Listing the files of ${where} failed: ${reason}`, { retryable: true, cause: error });
}

/** Chooses what to download: configs, tokenizer files, then model.safetensors, or pytorch_model.bin when that is all there is. */
export function planDownload(repo: string, files: Map<string, ExpectedFile>): DownloadPlan {
  const missing = REQUIRED_FILES.filter((name) => !files.has(name));
  if (missing.length > 0) {
    throw new HubSourceError(`Repository ${repo} has no ${missing.join(' or ')}; a BLIP captioning checkpoint needs both configs.`);
  }
  const tokenizer = TOKENIZER_FILES.filter((name) => files.has(name));
  if (!tokenizer.includes('tokenizer.json') && !tokenizer.includes('vocab.txt')) {
    throw new HubSourceError(`Repository ${repo} has neither tokenizer.json nor vocab.txt, so its tokenizer cannot be loaded.`);
  }
  const weights: WeightsFile | undefined = files.has('model.safetensors') ? 'model.safetensors' : files.has('pytorch_model.bin') ? 'pytorch_model.bin' : undefined;
  if (!weights) {
    const sharded = [...files.keys()].some((name) => name.endsWith('.index.json'));
    throw new HubSourceError(
      `Repository ${repo} has neither model.safetensors nor pytorch_model.bin` + (sharded ? ' (sharded checkpoints are not supported).' : '.'),
    );
  }
  const names = [...REQUIRED_FILES, ...tokenizer, weights];
  return { files: names.map((name) => files.get(name) as ExpectedFile), weights };
}
