/** `blipbench model build|fetch`: write a model directory from a preset or from the Hugging Face hub. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';

import { buildPresetModel, PRESETS, type Preset } from '../../../models/sources/presets.js';
import { fetchFromHub } from '../../../models/sources/hub.js';
import { createProgressBar } from '../../../models/sources/progress-bar.js';

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InvalidArgumentError(`expected an integer in [0, 4294967295], got "${value}"`);
  return seed;
}

function parsePreset(value: string): Preset {
  if (!(PRESETS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${PRESETS.join(', ')}, got "${value}"`);
  return value as Preset;
}

export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('Create model directories');

  model
    .command('build')
    .description('Generate a random-weight BLIP checkpoint with tokenizer and configs')
    .requiredOption('--preset <name>', `tiny (small, for tests) or random-base (BLIP base shapes)`, parsePreset)
    .option('--seed <n>', 'seed of the random weights', parseSeed, 0)
    .requiredOption('--out <dir>', 'model directory to create')
    .option('--force', 'replace the directory if it exists', false)
    .action(async (options: { preset: Preset; seed: number; out: string; force: boolean }) => {
      const started = performance.now();
      await buildPresetModel(options.preset, options.out, { seed: options.seed, force: options.force });
      process.stderr.write(`Built ${options.preset} (seed ${options.seed}) in ${options.out} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    });

  model
    .command('fetch')
    .description('Download a BLIP captioning checkpoint from the Hugging Face hub (HF_ENDPOINT, HF_TOKEN honoured)')
    .option('--repo <id>', 'repository id', 'Salesforce/blip-image-captioning-base')
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .requiredOption('--out <dir>', 'model directory to create')
    .action(async (options: { repo: string; revision: string; out: string }) => {
      const progress = createProgressBar();
      try {
        await fetchFromHub({ repo: options.repo, revision: options.revision, outDir: options.out, onProgress: progress.update });
      } finally {
        progress.stop();
      }
      process.stderr.write(`Fetched ${options.repo}@${options.revision} into ${options.out}\n`);
    });
}
