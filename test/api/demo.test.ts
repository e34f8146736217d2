import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, test } from 'node:test';

import { deleteKeysWithPrefix, openRedis } from '../../apps/platform/queue/redis.js';
import { REDIS_URL } from '../platform/helpers/context.js';
import { createTestDatabase, type TestDatabase } from '../platform/helpers/database.js';

const PREFIX = `bbdemo-${process.pid}`;
let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.drop();
  const redis = openRedis(REDIS_URL);
  await deleteKeysWithPrefix(redis, PREFIX);
  redis.disconnect();
});

test('demo prints the study block on the tiny model', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/cli/demo.ts', '--model', 'tiny', '--image', '../shared/data/images/chelsea.png', '--runs', '3'], {
    env: { ...process.env, DATABASE_URL: db.url, REDIS_URL, BLIPBENCH_QUEUE_PREFIX: PREFIX, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, `demo exited with ${code}: ${stderr.slice(-2000)}`);
  const lines = stdout.trim().split('\n');
  const expected = [
    /^Using Postgres and Redis from DATABASE_URL and REDIS_URL\.$/,
    /^Model: tiny \(random weights: timings are meaningful, captions are not\)$/,
    /^Baseline Caption: .+$/,
    /^Baseline CPU time: \d+\.\d\d sec$/,
    /^Quantized Caption: .+$/,
    /^Quantized CPU time: \d+\.\d\d sec$/,
    /^Pruned\+Quant Caption: .+$/,
    /^Pruned\+Quant CPU time: \d+\.\d\d sec$/,
    /^Speedup \(Quantization\): \d+\.\d\dx$/,
    /^Speedup \(Prune\+Quant\): \d+\.\d\dx$/,
    /^Sweep: [0-9a-f-]{36}$/,
    /^curl -s 'http:\/\/127\.0\.0\.1:3000\/v1\/history\?sweep=[0-9a-f-]{36}'/,
  ];
  assert.equal(lines.length, expected.length, stdout);
  expected.forEach((pattern, index) => assert.match(lines[index], pattern));
  const sweepId = lines[10].slice('Sweep: '.length);
  assert.equal(await db.prisma.result.count({ where: { sweepId } }), 3);
});
