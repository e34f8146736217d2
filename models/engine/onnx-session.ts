/**
 * The engine's only door to onnxruntime-node: session creation with a variant's runtime settings,
 * and errors that name the graph and its inputs when a run fails.
 */
import * as ort from 'onnxruntime-node';

import { ModelError } from './errors.js';

export type { Tensor } from 'onnxruntime-node';
export const OrtTensor = ort.Tensor;

export interface SessionSettings {
  /** Intra-op threads; 0 lets onnxruntime pick one per physical core. */
  threads: number;
  graphOptimization: 'disabled' | 'basic' | 'extended' | 'all';
}

export type Feeds = Record<string, ort.Tensor>;
export type Fetches = Record<string, ort.Tensor>;

export class GraphSession {
  private constructor(
    readonly path: string,
    private readonly session: ort.InferenceSession,
  ) {}

  static async open(path: string, settings: SessionSettings): Promise<GraphSession> {
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      graphOptimizationLevel: settings.graphOptimization,
      // One inference at a time per session: inter-op threads would only compete with intra-op ones.
      executionMode: 'sequential',
      interOpNumThreads: 1,
      ...(settings.threads > 0 ? { intraOpNumThreads: settings.threads } : {}),
    };
    try {
      return new GraphSession(path, await ort.InferenceSession.create(path, options));
    } catch (error) {
      throw new ModelError(`${path}: onnxruntime could not load the graph (${(error as Error).message}); rebuild the variant`, { cause: error });
    }
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  async run(feeds: Feeds): Promise<Fetches> {
    try {
      return await this.session.run(feeds);
    } catch (error) {
      const shapes = Object.entries(feeds)
        .map(([name, tensor]) => `${name} ${tensor.type}[${tensor.dims.join(', ')}]`)
        .join(', ');
      throw new Error(`${this.path}: inference failed (${(error as Error).message}); inputs were ${shapes}`, { cause: error });
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** onnxruntime-node's version, recorded with every result. */
export function onnxruntimeVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common;
}
