/**
 * `npm run db:migrate` (apply), `npm run db:diff -- NAME` (new migration from schema.prisma) and
 * `npm run db:check` (exit 1 when schema.prisma and the migrations differ), on DATABASE_URL.
 */
import { applyMigrations, createMigration, diffMigrationsToSchema } from './migrations.js';

const USAGE = 'usage: migrate-cli.ts deploy | diff NAME | check   (DATABASE_URL names the database; diff and check also create a throwaway shadow database on that server)';

async function main(argv: string[]): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(`DATABASE_URL is not set; set it to the database to migrate, e.g. postgresql://postgres@127.0.0.1:5432/blipbench.\n${USAGE}`);
    return 2;
  }
  const [command, name] = argv;
  if (command === 'deploy') {
    const applied = await applyMigrations(url);
    console.log(applied.length === 0 ? 'No pending migrations.' : `Applied ${applied.length} migration(s): ${applied.join(', ')}`);
    return 0;
  }
  if (command === 'diff' && name) {
    const dir = await createMigration(url, name);
    console.log(dir === null ? 'schema.prisma matches the migrations; no migration written.' : `Wrote ${dir}/migration.sql`);
    return 0;
  }
  if (command === 'check') {
    const sql = await diffMigrationsToSchema(url);
    if (sql === '') {
      console.log('schema.prisma matches prisma/migrations.');
      return 0;
    }
    console.error(`schema.prisma differs from prisma/migrations; run npm run db:diff -- NAME. Missing SQL:\n${sql}`);
    return 1;
  }
  console.error(USAGE);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
