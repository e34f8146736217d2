/** `blipbench caption`: caption images with a model directory and a variant, printing timings per stage. */
import { existsSync } from 'node:fs';

import { InvalidArgumentError, type Command } from 'commander';

import { loadCaptioner } from '../../../models/engine/captioner.js';
import type { CaptionResult } from '../../../models/engine/types.js';
import { addVariantOptions, variantFromFlags, type VariantFlags } from '../variant-options.js';

interface CaptionFlags extends VariantFlags {
  model: string;
  prompt?: string;
  maxNewTokens?: number;
  json: boolean;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

function formatText(image: string, result: CaptionResult): string {
  const t = result.timingsMs;
  return [
    `${image}`,
    `  caption:   ${result.caption}`,
    `  token ids: ${result.tokenIds.join(' ')}`,
    `  timings:   preprocess ${round(t.preprocess)} ms, vision encoder ${round(t.visionEncoder)} ms, decoder ${round(t.decoder)} ms (${round(t.decoderPerToken)} ms/token), total ${round(t.total)} ms`,
  ].join('\n');
}

export function registerCaptionCommand(program: Command): void {
  const command = program
    .command('caption')
    .description('Caption images and print the caption, token ids and time per stage')
    .argument('<images...>', 'image files (JPEG, PNG, WebP, GIF, TIFF, AVIF)')
    .requiredOption('--model <dir>', 'model directory (from `model build` or `model fetch`)')
    .option('--prompt <text>', 'text that starts the caption, e.g. "a picture of"')
    .option('--max-new-tokens <n>', 'maximum number of generated tokens', parsePositive)
    .option('--json', 'print one JSON object per image', false);
  addVariantOptions(command).action(async (images: string[], flags: CaptionFlags) => {
    if (!existsSync(flags.model)) {
      throw new Error(`model directory ${flags.model} not found; create one with \`npx blipbench model build --preset tiny --out models/store/tiny\` (or fetch one) and pass its path`);
    }
    const variant = variantFromFlags(flags);
    const captioner = await loadCaptioner({ modelDir: flags.model, variant });
    let failures = 0;
    try {
      for (const image of images) {
        try {
          const result = await captioner.caption(image, { prompt: flags.prompt, maxNewTokens: flags.maxNewTokens });
          const line = flags.json ? JSON.stringify({ image, caption: result.caption, tokenIds: result.tokenIds, timingsMs: result.timingsMs }) : formatText(image, result);
          process.stdout.write(`${line}\n`);
        } catch (error) {
          failures++;
          process.stderr.write(`blipbench: ${(error as Error).message}\n`);
        }
      }
    } finally {
      await captioner.dispose();
    }
    if (failures > 0) process.exitCode = 1;
  });
}
