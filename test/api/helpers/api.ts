/** An API on a test platform, listening on a free loopback port, with a small JSON client. */
import { createLogger } from '../../../apps/platform/logger.js';
import { startApi, type RunningApi } from '../../../apps/api/server.js';
import { createTestPlatform, type TestPlatform } from '../../platform/helpers/context.js';

export interface TestApi extends TestPlatform {
  api: RunningApi;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test responses are checked field by field
}

export async function startTestApi(overrides: Record<string, string> = {}): Promise<TestApi> {
  const platform = await createTestPlatform({ BLIPBENCH_PORT: '0', ...overrides });
  const api = await startApi({ config: platform.config, databaseUrl: platform.db.url, redisUrl: platform.redisUrl, logger: createLogger('test-api', 'silent') });
  const request: TestApi['request'] = async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' || body instanceof FormData ? body : JSON.stringify(body);
      if (!(body instanceof FormData)) (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${api.url}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (metrics, image bytes): the text itself.
    }
    return { status: response.status, body: parsed };
  };
  return {
    ...platform,
    api,
    request,
    async close() {
      await api.close();
      await platform.close();
    },
  };
}
