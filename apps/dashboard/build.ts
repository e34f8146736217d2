/**
 * Bundles the dashboard's browser sources (src/) with esbuild into dist/: assets/app.js,
 * assets/app.css and index.html. The API builds on the first dashboard request, so a fresh
 * `npm ci` needs no extra step; `npx tsx apps/dashboard/build.ts` builds by hand.
 */
import { copyFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const DASHBOARD_SOURCE_DIR = join(HERE, 'src');
export const DASHBOARD_DIST_DIR = join(HERE, 'dist');
/** Written last by a build: lists every input file, so a later start can tell whether dist/ is stale. */
const META_FILE = 'meta.json';

export interface DashboardBuild {
  outDir: string;
  /** False when dist/ was newer than every input and was kept. */
  rebuilt: boolean;
  durationMs: number;
}

async function mtimeMs(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

/** True when dist/ holds a build newer than each of its inputs (sources and the bundled packages). */
async function isUpToDate(outDir: string, root: string): Promise<boolean> {
  const builtAt = await mtimeMs(join(outDir, META_FILE));
  if (builtAt === null) return false;
  const meta = JSON.parse(await readFile(join(outDir, META_FILE), 'utf8')) as { inputs: string[] };
  const inputs = [...meta.inputs, join(DASHBOARD_SOURCE_DIR, 'index.html')];
  for (const input of inputs) {
    const changed = await mtimeMs(resolve(root, input));
    if (changed === null || changed > builtAt) return false;
  }
  return true;
}

/** Writes through a temporary name and a rename, so that a server reading dist/ never sees half a file. */
async function writeAtomically(path: string, contents: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

/**
 * Builds the dashboard into `outDir` unless it is up to date. Throws when esbuild is not
 * installed (an install without dev dependencies) or a source does not compile.
 */
export async function buildDashboard(options: { outDir?: string; force?: boolean } = {}): Promise<DashboardBuild> {
  const started = performance.now();
  const outDir = options.outDir ?? DASHBOARD_DIST_DIR;
  const root = process.cwd();
  if (!options.force && (await isUpToDate(outDir, root))) return { outDir, rebuilt: false, durationMs: performance.now() - started };

  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { app: join(DASHBOARD_SOURCE_DIR, 'main.ts') },
    bundle: true,
    format: 'esm',
    // Chromium and Firefox releases since 2022 run ES2022 modules natively.
    target: 'es2022',
    platform: 'browser',
    minify: true,
    sourcemap: 'linked',
    outdir: join(outDir, 'assets'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  await mkdir(join(outDir, 'assets'), { recursive: true });
  for (const file of result.outputFiles) await writeAtomically(file.path, file.contents);
  const temporaryIndex = join(outDir, `index.html.${process.pid}.tmp`);
  await copyFile(join(DASHBOARD_SOURCE_DIR, 'index.html'), temporaryIndex);
  await rename(temporaryIndex, join(outDir, 'index.html'));
  await writeAtomically(join(outDir, META_FILE), JSON.stringify({ inputs: Object.keys(result.metafile.inputs).map((input) => resolve(root, input)) }));
  return { outDir, rebuilt: true, durationMs: performance.now() - started };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const build = await buildDashboard({ force: process.argv.includes('--force') });
  process.stdout.write(`dashboard ${build.rebuilt ? 'built' : 'already up to date'} in ${build.outDir} (${Math.round(build.durationMs)} ms)\n`);
}
