/**
 * Writes BLIP's two ONNX graphs (image encoder, text decoder) for a set of weights, each with its
 * weights in an external `.onnx.data` file beside it.
 */
import { join } from 'node:path';

import { GraphBuilder } from '../onnx/graph-builder.js';
import type { BuildContext } from './blocks.js';
import type { BlipConfig } from './config.js';
import { buildImageEncoder } from './image-encoder.js';
import type { LinearEmitter } from './linear.js';
import { buildTextDecoder } from './text-decoder.js';
import type { Weight } from './weights.js';

export const IMAGE_ENCODER_FILE = 'image_encoder.onnx';
export const TEXT_DECODER_FILE = 'text_decoder.onnx';

export interface GraphFiles {
  imageEncoder: string;
  textDecoder: string;
  /** Bytes of both graphs and their external data. */
  bytesOnDisk: number;
}

export function buildBlipGraphs(dir: string, config: BlipConfig, weights: ReadonlyMap<string, Weight>, linear: LinearEmitter, metadata: Record<string, string> = {}): GraphFiles {
  const imageEncoder = join(dir, IMAGE_ENCODER_FILE);
  const textDecoder = join(dir, TEXT_DECODER_FILE);
  let bytesOnDisk = 0;
  for (const [path, build, name] of [
    [imageEncoder, buildImageEncoder, 'blip_image_encoder'],
    [textDecoder, buildTextDecoder, 'blip_text_decoder'],
  ] as const) {
    const g = new GraphBuilder(name, path);
    const ctx: BuildContext = { g, weights, linear, config };
    build(ctx);
    bytesOnDisk += g.save(metadata);
  }
  return { imageEncoder, textDecoder, bytesOnDisk };
}
