/**
 * The CLI's HTTP client for the BLIP Bench API: JSON in and out, the API key as a bearer token,
 * and one error per failure that names the next step.
 */

/** The API could not be reached, timed out, or returned a body that is not the API's JSON. */
export class ApiUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApiUnavailableError';
  }
}

/** The API returned a status outside 2xx; the message is the API's own. */
export class ApiResponseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiResponseError';
  }
}

export type Query = Record<string, string | number | undefined>;

export interface ApiClientOptions {
  /** Base URL, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  apiKey?: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

/** Node's fetch hides the socket error under `cause`; its code (ECONNREFUSED...) is what users can act on. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>('GET', path, query);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, {}, body);
  }

  private url(path: string, query: Query): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
    const text = params.toString();
    return `${this.baseUrl}${path}${text ? `?${text}` : ''}`;
  }

  private async request<T>(method: string, path: string, query: Query, body?: unknown): Promise<T> {
    const url = this.url(path, query);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new ApiUnavailableError(`${method} ${path} on the API at ${this.baseUrl} timed out after ${this.timeoutMs / 1000} s`, { cause: error });
      }
      throw new ApiUnavailableError(
        `cannot reach the API at ${this.baseUrl} (${networkReason(error)}); start it with "npm start", or point --api or BLIPBENCH_API at a running one`,
        { cause: error },
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      throw new ApiUnavailableError(`${method} ${url} returned ${response.status} with a body that is not JSON; is ${this.baseUrl} the BLIP Bench API?`);
    }
    if (response.ok) return parsed as T;
    const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof error?.code === 'string' ? error.code : 'unknown';
    const message = typeof error?.message === 'string' ? error.message : `${response.status} ${response.statusText}`;
    const hint = response.status === 401 ? ' (set BLIPBENCH_API_KEY to the key the API runs with)' : '';
    throw new ApiResponseError(response.status, code, `the API rejected ${method} ${path} with ${response.status}: ${message}${hint}`);
  }
}
