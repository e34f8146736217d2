/**
 * Prisma CLI configuration: `prisma generate --config prisma/prisma.config.ts`, and, where the
 * native schema engine can be downloaded, `prisma migrate deploy --config prisma/prisma.config.ts`.
 * Offline, `npm run db:migrate` applies the same migrations through the WebAssembly engine.
 */
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  // generate does not connect; the fallback only lets it load this file when DATABASE_URL is unset.
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/blipbench' },
});
