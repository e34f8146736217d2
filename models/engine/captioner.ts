/**
 * A loaded BLIP variant that captions images: preprocess → image encoder (once per image) →
 * cached text decoder driven by the variant's decoding strategy → detokenize, timing each stage.
 */
import { join } from 'node:path';

import { loadBlipConfig, type BlipConfig } from '../blip/config.js';
import { IMAGE_ENCODER_FILE, TEXT_DECODER_FILE } from '../blip/build-graphs.js';
import { generate, type DecodingOptions } from '../generation/index.js';
import { DEFAULT_MAX_NEW_TOKENS } from '../generation/length-limits.js';
import { loadPreprocessorConfig, preprocessImage, type PreprocessorConfig } from '../preprocess/index.js';
import { loadTokenizer, type CaptionTokenizer } from '../tokenizer/index.js';
import type { VariantBuildReport } from '../variants/build-report.js';
import { ensureVariantBuilt } from '../variants/build.js';
import { buildHash, parseVariant, variantHash, type Variant, type VariantInput } from '../variants/spec.js';
import { CachedDecoder } from './cached-decoder.js';
import { VariantError } from './errors.js';
import { GraphSession, OrtTensor } from './onnx-session.js';
import type { CaptionOptions, CaptionResult, ImageInput } from './types.js';

export interface LoadCaptionerOptions {
  modelDir: string;
  /** Variant spec; the fp32 dense greedy baseline when omitted. */
  variant?: VariantInput | Variant;
}

export interface VariantBuild extends VariantBuildReport {
  /** True when this load found the variant already built in the model store. */
  reused: boolean;
  dir: string;
}

export interface Captioner {
  readonly modelDir: string;
  readonly config: BlipConfig;
  readonly variant: Variant;
  readonly variantHash: string;
  readonly buildHash: string;
  readonly build: VariantBuild;
  caption(image: ImageInput, options?: CaptionOptions): Promise<CaptionResult>;
  /**
   * Runs the decoder once over `tokenIds` (teacher forcing) and returns the logits that predicted each
   * token after the first `promptLength`, (tokenIds.length − promptLength) × vocab.
   */
  teacherForce(image: ImageInput, tokenIds: readonly number[], promptLength: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** Builds the decoder's start: [DEC] alone, or [DEC] + the prompt's words with the tokenizer's [CLS] and [SEP] dropped, as BLIP's generate does. */
export function decoderPrompt(tokenizer: CaptionTokenizer, config: BlipConfig, prompt: string | undefined): number[] {
  if (!prompt) return [config.text.bosTokenId];
  const ids = tokenizer.encodePrompt(prompt);
  return [config.text.bosTokenId, ...ids.slice(1, -1)];
}

class OnnxCaptioner implements Captioner {
  readonly variantHash: string;
  readonly buildHash: string;

  constructor(
    readonly modelDir: string,
    readonly config: BlipConfig,
    readonly variant: Variant,
    readonly build: VariantBuild,
    private readonly imageEncoder: GraphSession,
    private readonly textDecoder: GraphSession,
    private readonly tokenizer: CaptionTokenizer,
    private readonly preprocessor: PreprocessorConfig,
  ) {
    this.variantHash = variantHash(variant);
    this.buildHash = buildHash(variant);
  }

  private decodingOptions(prompt: number[], options: CaptionOptions): DecodingOptions {
    const { text } = this.config;
    const decoding = this.variant.decoding;
    const maxNewTokens = options.maxNewTokens ?? decoding.maxNewTokens;
    const forceNewTokens = options.forceNewTokens ?? decoding.forceNewTokens;
    // The total length follows transformers' precedence: forced count, then maxNewTokens, then maxLength.
    let total = decoding.maxLength ?? prompt.length + DEFAULT_MAX_NEW_TOKENS;
    let setting = 'maxLength';
    if (maxNewTokens !== undefined) {
      total = prompt.length + maxNewTokens;
      setting = 'maxNewTokens';
    }
    if (forceNewTokens !== undefined) {
      total = prompt.length + forceNewTokens;
      setting = 'forceNewTokens';
    }
    if (total > text.maxPositions) {
      throw new VariantError(`the prompt (${prompt.length} decoder tokens with [DEC]) plus the new tokens make ${total} tokens, more than the model's ${text.maxPositions} positions; shorten the prompt or lower ${setting}`);
    }
    return { ...decoding, maxNewTokens, forceNewTokens, eosTokenId: text.sepTokenId, padTokenId: text.padTokenId };
  }

  async caption(image: ImageInput, options: CaptionOptions = {}): Promise<CaptionResult> {
    const started = performance.now();
    const prompt = decoderPrompt(this.tokenizer, this.config, options.prompt ?? this.variant.prompt);
    const decoding = this.decodingOptions(prompt, options);

    const { pixelValues } = await preprocessImage(image, this.preprocessor);
    const preprocessed = performance.now();

    const size = this.config.vision.imageSize;
    const cross = await this.imageEncoder.run({ pixel_values: new OrtTensor('float32', pixelValues, [1, 3, size, size]) });
    const encoded = performance.now();

    const heads = this.build.shapes.text.heads;
    const decoder = new CachedDecoder(this.textDecoder, cross, { heads, headDim: this.config.text.hiddenSize / this.config.text.numHeads, vocabSize: this.config.text.vocabSize }, this.variant.runtime.kvCache);
    const output = await generate(decoder, prompt, decoding);
    const decoded = performance.now();

    const decoderMs = decoded - encoded;
    return {
      caption: this.tokenizer.decode(output.tokenIds),
      tokenIds: output.tokenIds,
      promptLength: prompt.length,
      timingsMs: {
        preprocess: preprocessed - started,
        visionEncoder: encoded - preprocessed,
        decoder: decoderMs,
        decoderPerToken: decoderMs / Math.max(1, decoder.steps),
        total: decoded - started,
      },
    };
  }

  async teacherForce(image: ImageInput, tokenIds: readonly number[], promptLength: number): Promise<Float32Array> {
    if (promptLength < 1 || promptLength > tokenIds.length) throw new RangeError(`promptLength must be in [1, ${tokenIds.length}], got ${promptLength}`);
    const { pixelValues } = await preprocessImage(image, this.preprocessor);
    const size = this.config.vision.imageSize;
    const cross = await this.imageEncoder.run({ pixel_values: new OrtTensor('float32', pixelValues, [1, 3, size, size]) });
    const vocab = this.config.text.vocabSize;
    if (tokenIds.length === promptLength) return new Float32Array(0);
    const decoder = new CachedDecoder(this.textDecoder, cross, { heads: this.build.shapes.text.heads, headDim: this.config.text.hiddenSize / this.config.text.numHeads, vocabSize: vocab }, false);
    // Position i's logits predict token i + 1, so the inputs stop one token short of the end.
    await decoder.step([tokenIds.slice(0, -1) as number[]]);
    const all = decoder.lastLogits!.data as Float32Array;
    return all.slice((promptLength - 1) * vocab, (tokenIds.length - 1) * vocab);
  }

  async dispose(): Promise<void> {
    await Promise.all([this.imageEncoder.release(), this.textDecoder.release()]);
  }
}

/** Loads a model directory's variant, building it into the model store first if needed. */
export async function loadCaptioner(options: LoadCaptionerOptions): Promise<Captioner> {
  const config = loadBlipConfig(options.modelDir);
  const variant = parseVariant(options.variant ?? {});
  const tokenizer = await loadTokenizer(options.modelDir);
  const preprocessor = loadPreprocessorConfig(options.modelDir);
  const { dir, report, reused } = await ensureVariantBuilt(options.modelDir, variant);
  const settings = { threads: variant.runtime.threads, graphOptimization: variant.runtime.graphOptimization };
  const imageEncoder = await GraphSession.open(join(dir, IMAGE_ENCODER_FILE), settings);
  const textDecoder = await GraphSession.open(join(dir, TEXT_DECODER_FILE), settings);
  return new OnnxCaptioner(options.modelDir, config, variant, { ...report, reused, dir }, imageEncoder, textDecoder, tokenizer, preprocessor);
}
