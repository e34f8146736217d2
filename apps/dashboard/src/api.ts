/** Requests to the API from the browser: the key when one is needed, and errors that carry the API's message. */
import { askForApiKey, forgetApiKey, storedApiKey } from './api-key.js';

/** A response outside 2xx; the message is the API's own when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Returns the message of an error body, in the shapes an Express API sends: {error: {message}}, {message} or {error}. */
function messageOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const record = body as { error?: unknown; message?: unknown };
  if (typeof record.error === 'object' && record.error !== null && typeof (record.error as { message?: unknown }).message === 'string') {
    return (record.error as { message: string }).message;
  }
  if (typeof record.message === 'string') return record.message;
  if (typeof record.error === 'string') return record.error;
  return null;
}

/** Fetches `path`, asking for the API key on 401 and retrying with it. */
async function request(path: string, accept: string): Promise<Response> {
  for (;;) {
    const key = storedApiKey();
    const response = await fetch(path, { headers: { Accept: accept, ...(key ? { Authorization: `Bearer ${key}` } : {}) } });
    if (response.status !== 401) return response;
    if (key) forgetApiKey();
    await askForApiKey(key !== null);
  }
}

async function failure(path: string, response: Response): Promise<ApiError> {
  const text = await response.text();
  let message: string | null;
  try {
    message = messageOf(JSON.parse(text));
  } catch {
    // Not JSON: a proxy's or Express's own error page; its text is the best message there is.
    message = text.trim() || null;
  }
  return new ApiError(response.status, `GET ${path} failed with ${response.status}: ${message ?? response.statusText}`);
}

export async function getJson<T>(path: string): Promise<T> {
  const response = await request(path, 'application/json');
  if (!response.ok) throw await failure(path, response);
  return (await response.json()) as T;
}

/** Fetches binary content (an image) and returns an object URL for it; the caller revokes it. */
export async function getObjectUrl(path: string): Promise<string> {
  const response = await request(path, '*/*');
  if (!response.ok) throw await failure(path, response);
  return URL.createObjectURL(await response.blob());
}

/** Builds "path?query" from the entries whose value is not empty. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
