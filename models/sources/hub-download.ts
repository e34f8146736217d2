import { open, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { HubSourceError } from './hub-errors.js';
import type { DownloadProgress } from './hub-options.js';
import type { ExpectedFile } from './hub-verify.js';

export interface TransferSettings {
  /** `${hubUrl}/${repo}/resolve/${revision}`, with no trailing slash. */
  resolveBase: string;
  accessToken?: string;
  maxAttempts: number;
  retryDelayMs: number;
  stallTimeoutMs: number;
  onProgress?: (progress: DownloadProgress) => void;
}

/** A failure worth retrying with a Range request: a dropped connection, a stall or a 5xx response. */
class TransientError extends Error {}

/**
 * Downloads one file into `partialPath`, continuing from the bytes it already contains with a
 * `Range: bytes=N-` request, and retrying dropped or stalled transfers with exponential backoff.
 * Resolves once the file has exactly `expected.size` bytes; checksums are the caller's job.
 */
export async function downloadResumable(settings: TransferSettings, expected: ExpectedFile, partialPath: string): Promise<void> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= settings.maxAttempts; attempt++) {
    try {
      await transferOnce(settings, expected, partialPath);
      return;
    } catch (error) {
      if (!(error instanceof TransientError)) throw error;
      lastError = error;
      if (attempt < settings.maxAttempts) await sleep(settings.retryDelayMs * 2 ** (attempt - 1));
    }
  }
  throw new HubSourceError(
    `Download of ${expected.path} failed after ${settings.maxAttempts} attempts (${(lastError as Error).message}); ` +
      `the partial file ${partialPath} is kept, so running the fetch again resumes it.`,
    { retryable: true, cause: lastError },
  );
}

async function transferOnce(settings: TransferSettings, expected: ExpectedFile, partialPath: string): Promise<void> {
  let start = await existingSize(partialPath);
  if (start > expected.size) {
    await rm(partialPath, { force: true });
    start = 0;
  }
  if (start === expected.size) return;

  const url = `${settings.resolveBase}/${expected.path.split('/').map(encodeURIComponent).join('/')}`;
  const controller = new AbortController();
  const headers: Record<string, string> = {};
  if (start > 0) headers.Range = `bytes=${start}-`;
  // Ask for the raw bytes: Range offsets and the listed size refer to them, not to a compressed encoding.
  headers['Accept-Encoding'] = 'identity';
  if (settings.accessToken) headers.Authorization = `Bearer ${settings.accessToken}`;

  let stallTimer = setTimeout(() => controller.abort(), settings.stallTimeoutMs);
  const resetStallTimer = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => controller.abort(), settings.stallTimeoutMs);
  };
  try {
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted) throw new TransientError(`request timed out: no response for ${settings.stallTimeoutMs} ms`);
      throw new TransientError(`request failed: ${describeFetchError(error)}`);
    }
    const offset = await responseOffset(response, url, expected, start, partialPath);
    await appendBody(response, partialPath, offset, expected, settings, resetStallTimer, controller.signal);
  } finally {
    clearTimeout(stallTimer);
  }
}

/** Checks the response status and returns where its body starts in the file. */
async function responseOffset(response: Response, url: string, expected: ExpectedFile, start: number, partialPath: string): Promise<number> {
  if (response.status === 206) {
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== start) {
      await response.body?.cancel();
      // The partial file cannot be continued from what the server sent, so start over.
      await rm(partialPath, { force: true });
      throw new TransientError(`server responded to bytes=${start}- with Content-Range "${response.headers.get('content-range')}"`);
    }
    return start;
  }
  if (response.status === 200) return 0; // The server ignored the Range header and sends the whole file.
  await response.body?.cancel();
  if (response.status === 416) {
    await rm(partialPath, { force: true });
    throw new TransientError(`server rejected the range bytes=${start}- (HTTP 416)`);
  }
  if (response.status === 401 || response.status === 403) {
    throw new HubSourceError(`Access to ${url} was denied (HTTP ${response.status}); set HF_TOKEN to a token that can read this repository.`);
  }
  if (response.status === 404) throw new HubSourceError(`${url} was not found (HTTP 404) although the repository listing names ${expected.path}.`);
  if (response.status === 429 || response.status >= 500) throw new TransientError(`HTTP ${response.status}`);
  throw new HubSourceError(`Download of ${url} failed with HTTP ${response.status}.`);
}

async function appendBody(
  response: Response,
  partialPath: string,
  offset: number,
  expected: ExpectedFile,
  settings: TransferSettings,
  onChunk: () => void,
  signal: AbortSignal,
): Promise<void> {
  if (!response.body) throw new TransientError('response has no body');
  const handle = await open(partialPath, offset === 0 ? 'w' : 'a');
  let bytes = offset;
  try {
    for await (const chunk of response.body) {
      const data = chunk as Uint8Array;
      if (bytes + data.byteLength > expected.size) {
        throw new HubSourceError(`${expected.path}: the server sent more than the ${expected.size} bytes the repository listing gives.`);
      }
      await handle.write(data);
      bytes += data.byteLength;
      onChunk();
      settings.onProgress?.({ file: expected.path, bytes, total: expected.size });
    }
  } catch (error) {
    if (error instanceof HubSourceError) throw error;
    const reason = signal.aborted ? `timed out, no data for ${settings.stallTimeoutMs} ms` : describeFetchError(error);
    throw new TransientError(`transfer stopped at byte ${bytes} of ${expected.size}: ${reason}`);
  } finally {
    await handle.close();
  }
  if (bytes !== expected.size) throw new TransientError(`connection closed at byte ${bytes} of ${expected.size}`);
}

async function existingSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** undici puts the socket error under `cause`; show both. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
