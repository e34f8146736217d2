/**
 * Reads a model directory's preprocessor_config.json into the settings that change pixel_values,
 * with BlipImageProcessor's defaults for absent fields or an absent file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ModelError } from '../engine/errors.js';
import type { PreprocessorConfig } from './types.js';

/** Pillow's resampling filter ids as transformers stores them in `resample`. */
const PIL_RESAMPLE_NAMES: Readonly<Record<number, string>> = { 0: 'NEAREST', 1: 'LANCZOS', 2: 'BILINEAR', 3: 'BICUBIC', 4: 'BOX', 5: 'HAMMING' };
const PIL_BICUBIC = 3;

/** BlipImageProcessor's defaults (OpenAI CLIP mean and std, 384 × 384 BICUBIC, rescale 1/255). */
export const DEFAULT_PREPROCESSOR_CONFIG: PreprocessorConfig = Object.freeze({
  doResize: true,
  size: Object.freeze({ height: 384, width: 384 }),
  doRescale: true,
  rescaleFactor: 1 / 255,
  doNormalize: true,
  imageMean: Object.freeze([0.48145466, 0.4578275, 0.40821073] as const),
  imageStd: Object.freeze([0.26862954, 0.26130258, 0.27577711] as const),
});

const channelTriple = z.tuple([z.number(), z.number(), z.number()]);
const positiveTriple = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);
const side = z.number().int().positive();

// Fields transformers writes but that do not change pixel_values (image_processor_type, processor_class) pass through.
const fileSchema = z.looseObject({
  do_resize: z.boolean().optional(),
  size: z
    .union([side, z.object({ height: side, width: side }).strict()], {
      error: 'size must be a positive integer or {"height", "width"}; shortest_edge and longest_edge resizing is not implemented',
    })
    .optional(),
  resample: z
    .number()
    .int()
    .refine((value) => value === PIL_BICUBIC, {
      error: (issue) => `resample is ${String(issue.input)} (${PIL_RESAMPLE_NAMES[issue.input as number] ?? 'unknown'}); only 3 (BICUBIC) is implemented`,
    })
    .optional(),
  do_rescale: z.boolean().optional(),
  rescale_factor: z.number().positive().optional(),
  do_normalize: z.boolean().optional(),
  image_mean: channelTriple.optional(),
  image_std: positiveTriple.optional(),
  do_convert_rgb: z.literal(true, { error: 'do_convert_rgb must be true: the engine always converts images to RGB' }).optional(),
  do_center_crop: z.literal(false, { error: 'do_center_crop must be false: center cropping is not implemented' }).optional(),
  do_pad: z.literal(false, { error: 'do_pad must be false: padding is not implemented' }).optional(),
});

/** Parses the JSON text of a preprocessor_config.json; `file` names it in error messages. */
export function parsePreprocessorConfig(text: string, file: string): PreprocessorConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelError(`${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new ModelError(`${file}: invalid field ${field}: ${issue.message}`, { cause: parsed.error });
  }
  const fields = parsed.data;
  const defaults = DEFAULT_PREPROCESSOR_CONFIG;
  let size = fields.size ?? defaults.size;
  if (typeof size === 'number') {
    size = { height: size, width: size };
  }
  return Object.freeze({
    doResize: fields.do_resize ?? defaults.doResize,
    size: Object.freeze({ height: size.height, width: size.width }),
    doRescale: fields.do_rescale ?? defaults.doRescale,
    rescaleFactor: fields.rescale_factor ?? defaults.rescaleFactor,
    doNormalize: fields.do_normalize ?? defaults.doNormalize,
    imageMean: Object.freeze(fields.image_mean ?? defaults.imageMean),
    imageStd: Object.freeze(fields.image_std ?? defaults.imageStd),
  });
}

/**
 * Reads `modelDir/preprocessor_config.json`; a directory without the file gets BlipImageProcessor's defaults,
 * as transformers does when a checkpoint ships no preprocessor config.
 */
export function loadPreprocessorConfig(modelDir: string): PreprocessorConfig {
  const file = join(modelDir, 'preprocessor_config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_PREPROCESSOR_CONFIG;
    throw new ModelError(`${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return parsePreprocessorConfig(text, file);
}
