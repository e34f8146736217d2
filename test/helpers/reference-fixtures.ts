/** Readers of the fixtures written by test/reference/blip_reference.py. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_PREPROCESSOR_CONFIG, toPixelValues } from '../../models/preprocess/index.js';

export interface BeamReference {
  settings: Record<string, number | boolean>;
  tokenIds: number[];
}

export interface ImageReference {
  processorMaxAbsDiff: number;
  embedsShape: number[];
  greedy: number[];
  beam: BeamReference[];
}

export interface Reference {
  transformers: string;
  torch: string;
  images: Record<string, ImageReference>;
  logits: { image: string; inputIds: number[]; shape: number[] };
  l1Masks?: { amount: number; scope: string; layers: Record<string, { shape: number[]; pruned: number; bits: string }> };
}

export function readReference(dir: string): Reference {
  return JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Reference;
}

export function readFloats(dir: string, file: string): Float32Array {
  const bytes = readFileSync(join(dir, file));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** The reference's PIL-resized uint8 pixels, normalized as BlipImageProcessor does. */
export function readReferencePixels(dir: string, stem: string): Float32Array {
  const data = new Uint8Array(readFileSync(join(dir, `pixels-${stem}.bin`)));
  return toPixelValues({ data, width: 384, height: 384 }, DEFAULT_PREPROCESSOR_CONFIG);
}

/** transformers generate() keyword arguments as our decoding spec. */
export function decodingFromSettings(settings: Record<string, number | boolean>): Record<string, unknown> {
  const mapped: Record<string, unknown> = {
    strategy: 'beam',
    numBeams: settings.num_beams,
    maxLength: settings.max_length,
    minLength: settings.min_length,
    lengthPenalty: settings.length_penalty,
    earlyStopping: settings.early_stopping,
    noRepeatNgramSize: settings.no_repeat_ngram_size,
    repetitionPenalty: settings.repetition_penalty,
  };
  return Object.fromEntries(Object.entries(mapped).filter(([, value]) => value !== undefined));
}
