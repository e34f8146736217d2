import { HubSourceError } from './hub-errors.js';

/** Bytes of one file received so far; `total` is its size from the repository listing. */
export interface DownloadProgress {
  file: string;
  bytes: number;
  total: number;
}

export interface FetchFromHubOptions {
  /** Model repository id. Default: Salesforce/blip-image-captioning-base. */
  repo?: string;
  /** Branch, tag or commit. Default: main. */
  revision?: string;
  /** Model directory to create; it appears only once every file is downloaded and verified. */
  outDir: string;
  /** Called as bytes arrive, at most once per received chunk. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Hub base URL. Default: the HF_ENDPOINT environment variable, else https://huggingface.co. */
  hubUrl?: string;
  /** Access token sent as a bearer header. Default: the HF_TOKEN environment variable, else none. */
  accessToken?: string;
  /** Replace outDir if it exists. Default: false, so an existing directory is an error. */
  overwrite?: boolean;
  /** Attempts per file before a transfer failure is final; each retry resumes with a Range request. Default: 5. */
  maxAttempts?: number;
  /** Delay before the first retry, doubled for each later one, in milliseconds. Default: 1000. */
  retryDelayMs?: number;
  /** A transfer that receives no bytes for this long is aborted and retried, in milliseconds. Default: 60000. */
  stallTimeoutMs?: number;
}

export type ResolvedHubOptions = Required<Omit<FetchFromHubOptions, 'onProgress' | 'accessToken'>> &
  Pick<FetchFromHubOptions, 'onProgress' | 'accessToken'>;

export const HUB_DEFAULTS = Object.freeze({
  repo: 'Salesforce/blip-image-captioning-base',
  revision: 'main',
  hubUrl: 'https://huggingface.co',
  overwrite: false,
  maxAttempts: 5,
  retryDelayMs: 1000,
  stallTimeoutMs: 60_000,
});

/** Merges options over the defaults and the HF_ENDPOINT and HF_TOKEN environment variables, then validates them. */
export function resolveHubOptions(options: FetchFromHubOptions, env: NodeJS.ProcessEnv = process.env): ResolvedHubOptions {
  const resolved: ResolvedHubOptions = {
    ...HUB_DEFAULTS,
    hubUrl: env.HF_ENDPOINT || HUB_DEFAULTS.hubUrl,
    accessToken: env.HF_TOKEN || undefined,
    ...definedOnly(options),
  } as ResolvedHubOptions;

  if (typeof resolved.outDir !== 'string' || resolved.outDir.length === 0) {
    throw new HubSourceError('fetchFromHub: outDir is required; pass the model directory to create.');
  }
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(resolved.repo)) {
    throw new HubSourceError(`fetchFromHub: repo "${resolved.repo}" is not a model repository id; expected "owner/name", e.g. ${HUB_DEFAULTS.repo}.`);
  }
  if (resolved.revision.length === 0) throw new HubSourceError('fetchFromHub: revision is empty; pass a branch, tag or commit.');
  try {
    new URL(resolved.hubUrl);
  } catch {
    throw new HubSourceError(`fetchFromHub: hubUrl (or HF_ENDPOINT) "${resolved.hubUrl}" is not a URL; expected e.g. https://huggingface.co.`);
  }
  resolved.hubUrl = resolved.hubUrl.replace(/\/+$/, '');
  // @huggingface/hub rejects other tokens with a bare TypeError, so check here and name the setting.
  if (resolved.accessToken !== undefined && !resolved.accessToken.startsWith('hf_')) {
    throw new HubSourceError('fetchFromHub: the access token (HF_TOKEN) must start with "hf_".');
  }
  for (const field of ['maxAttempts', 'retryDelayMs', 'stallTimeoutMs'] as const) {
    const value = resolved[field];
    const minimum = field === 'maxAttempts' ? 1 : 0;
    if (!Number.isInteger(value) || value < minimum) {
      throw new HubSourceError(`fetchFromHub: ${field} is ${value}; expected an integer >= ${minimum}.`);
    }
  }
  return resolved;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
