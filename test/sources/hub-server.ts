// A local imitation of the Hugging Face hub routes that fetchFromHub uses, with fault injection:
//   GET /api/models/{repo}/tree/{revision}?recursive=..&expand=..   (@huggingface/hub listFiles)
//   GET /{repo}/resolve/{revision}/{path}                           (downloads, with Range support)
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  files: Map<string, Buffer>;
  /** Paths served as LFS files: listed with lfs.oid (sha256) and lfs.size. */
  lfs: Set<string>;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
}

export interface LoggedRequest {
  method: string;
  url: string;
  range?: string;
  authorization?: string;
}

export interface FakeHub {
  url: string;
  repos: Map<string, FakeRepo>;
  requests: LoggedRequest[];
  /** Path -> bytes after which the next N responses for it are cut off (N = `times`). */
  dropAfter: Map<string, { bytes: number; times: number }>;
  /** Paths served with their first byte flipped, so their checksum fails. */
  corrupt: Set<string>;
  close(): Promise<void>;
}

export function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

export async function startFakeHub(): Promise<FakeHub> {
  const hub: Omit<FakeHub, 'url' | 'close'> = { repos: new Map(), requests: [], dropAfter: new Map(), corrupt: new Set() };
  const server: Server = createServer((request, response) => {
    hub.requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      range: request.headers.range,
      authorization: request.headers.authorization,
    });
    handle(hub, request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...hub,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function handle(hub: Omit<FakeHub, 'url' | 'close'>, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)$/.exec(url.pathname);
  const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
  const repoName = tree?.[1] ?? resolve?.[1];
  const repo = repoName ? hub.repos.get(repoName) : undefined;

  if (!repo) return sendError(response, 404, 'RepoNotFound', 'Repository not found');
  if (repo.token && request.headers.authorization !== `Bearer ${repo.token}`) {
    return sendError(response, 401, 'RepoNotFound', 'Invalid username or password.');
  }
  const revision = decodeURIComponent((tree ?? resolve)?.[2] ?? '');
  if (revision !== 'main') return sendError(response, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);

  if (tree) return sendTree(repo, response);
  if (resolve) return sendFile(hub, repo, decodeURIComponent(resolve[3]), request, response);
  sendError(response, 404, 'NotFound', 'Not found');
}

function sendTree(repo: FakeRepo, response: ServerResponse): void {
  const entries = [...repo.files].map(([path, content]) => ({
    type: 'file',
    path,
    size: content.length,
    oid: gitBlobId(repo.lfs.has(path) ? Buffer.from(`lfs pointer ${path}`) : content),
    ...(repo.lfs.has(path) && { lfs: { oid: createHash('sha256').update(content).digest('hex'), size: content.length, pointerSize: 134 } }),
  }));
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(entries));
}

function sendFile(hub: Omit<FakeHub, 'url' | 'close'>, repo: FakeRepo, path: string, request: IncomingMessage, response: ServerResponse): void {
  const stored = repo.files.get(path);
  if (!stored) return sendError(response, 404, 'EntryNotFound', `Entry not found: ${path}`);
  let content = stored;
  if (hub.corrupt.has(path)) {
    content = Buffer.from(stored);
    content[0] ^= 0xff;
  }

  let start = 0;
  let end = content.length - 1;
  let status = 200;
  const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
  if (range) {
    start = Number(range[1]);
    end = range[2] ? Math.min(Number(range[2]), content.length - 1) : content.length - 1;
    if (start >= content.length) {
      response.writeHead(416, { 'Content-Range': `bytes */${content.length}` });
      return void response.end();
    }
    status = 206;
  }
  const body = content.subarray(start, end + 1);
  response.writeHead(status, {
    'Content-Length': body.length,
    'Accept-Ranges': 'bytes',
    ETag: `"${gitBlobId(stored)}"`,
    ...(status === 206 && { 'Content-Range': `bytes ${start}-${end}/${content.length}` }),
  });

  const drop = hub.dropAfter.get(path);
  if (drop && drop.times > 0 && body.length > drop.bytes) {
    drop.times -= 1;
    // Send part of the body, then cut the connection as a failing network would.
    response.write(body.subarray(0, drop.bytes), () => {
      setTimeout(() => response.socket?.destroy(), 20);
    });
    return;
  }
  response.end(body);
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'X-Error-Code': code });
  response.end(JSON.stringify({ error: message }));
}
