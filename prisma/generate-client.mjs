#!/usr/bin/env node
// Generates the Prisma client into prisma/generated (git-ignored); run by `npm install` and `npm ci`.
// The Prisma CLI downloads its native schema engine at start unless PRISMA_SCHEMA_ENGINE_BINARY
// names an existing file. Generating the client does not use that engine, so offline a stand-in
// that explains itself is enough.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ||= fileURLToPath(new URL('./no-native-engine.sh', import.meta.url));
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
// No update check or telemetry request: generating must work without a network.
env.CHECKPOINT_DISABLE = '1';
const cli = require.resolve('prisma/build/index.js');
const config = fileURLToPath(new URL('./prisma.config.ts', import.meta.url));
const result = spawnSync(process.execPath, [cli, 'generate', '--config', config], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
