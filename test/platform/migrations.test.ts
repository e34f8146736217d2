import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { applyMigrations, diffMigrationsToSchema, MIGRATIONS_DIR, SCHEMA_PATH } from '../../apps/platform/db/migrations.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

describe('migrations', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  test('records each migration as prisma migrate deploy does', async () => {
    const rows = await db.pool.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name',
    );
    const folders = readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
    assert.deepEqual(rows.rows.map((row) => row.migration_name), folders);
    for (const row of rows.rows) {
      // Prisma's checksum is the hex SHA-256 of migration.sql; a mismatch would make prisma migrate deploy refuse the history.
      const sql = readFileSync(join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      assert.equal(row.checksum, createHash('sha256').update(sql).digest('hex'));
      assert.ok(row.finished_at instanceof Date);
      assert.equal(row.rolled_back_at, null);
    }
  });

  test('second apply applies nothing', async () => {
    assert.deepEqual(await applyMigrations(db.url), []);
  });

  test('schema.prisma matches the migrations', async () => {
    assert.equal(await diffMigrationsToSchema(db.url), '');
  });

  test('schema change shows up as a diff', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blipbench-schema-'));
    const changed = readFileSync(SCHEMA_PATH, 'utf8').replace('  randomWeights Boolean', '  licence String?\n  randomWeights Boolean');
    const schemaPath = join(dir, 'schema.prisma');
    writeFileSync(schemaPath, changed);
    const sql = await diffMigrationsToSchema(db.url, { schemaPath });
    assert.match(sql, /ALTER TABLE "models" ADD COLUMN\s+"licence" TEXT/);
  });

  test('result table accepts one result per job', async () => {
    const { prisma } = db;
    await prisma.model.create({ data: { name: 'tiny', source: 'preset', preset: 'tiny', seed: 0, randomWeights: true } });
    const image = await prisma.image.create({ data: { id: 'img1', sha256: 'a'.repeat(64), bytes: 3, format: 'png', width: 1, height: 1, content: Buffer.from([1, 2, 3]) } });
    const variant = await prisma.variant.create({ data: { variantHash: 'v1', buildHash: 'b1', spec: {} } });
    const host = await prisma.host.create({
      data: { fingerprintHash: 'h1', hostname: 'h', cpuModel: 'cpu', logicalCores: 2, simdFlags: ['avx2'], platform: 'linux', arch: 'x64', totalMemoryBytes: 1n, onnxruntimeVersion: '1', nodeVersion: '20', projectVersion: '0.1.0' },
    });
    const job = await prisma.job.create({ data: { kind: 'caption', modelName: 'tiny', variantId: variant.id, imageId: image.id } });
    const result = {
      jobId: job.id, kind: 'caption', modelName: 'tiny', variantId: variant.id, imageId: image.id, hostId: host.id, isBaseline: false, attempt: 1, threads: 1,
      caption: '', tokenIds: [1000], generatedTokens: 0, runs: 1, warmupRuns: 0, runTimesMs: [1], warmupTimesMs: [], runStagesMs: [],
      meanMs: 1, medianMs: 1, p90Ms: 1, p99Ms: 1, minMs: 1, maxMs: 1, stdMs: 0, preprocessMs: 0, visionEncoderMs: 0, decoderMs: 0, decoderPerTokenMs: 0,
      tokensPerSecond: 0, peakRssBytes: 1n, bytesOnDisk: 1n, otherCpuLoad: 0,
    };
    const first = await prisma.result.createMany({ data: [result], skipDuplicates: true });
    const second = await prisma.result.createMany({ data: [{ ...result, attempt: 2 }], skipDuplicates: true });
    assert.equal(first.count, 1);
    assert.equal(second.count, 0);
    assert.equal(await prisma.result.count({ where: { jobId: job.id } }), 1);
    await assert.rejects(prisma.result.create({ data: { ...result, attempt: 3 } }), /Unique constraint/);
  });
});
