/**
 * Loaded captioners kept between jobs, keyed by model directory, variant hash and threads, so a
 * sweep's jobs pay the graph load once per process. The least recently used one is disposed when
 * the cache is full.
 */
import { loadCaptioner, variantHash, type Captioner, type Variant } from '../../models/index.js';

export class CaptionerCache {
  private readonly entries = new Map<string, Promise<Captioner>>();

  constructor(private readonly capacity: number) {}

  /** Returns the captioner of `variant` with `threads` intra-op threads (0 keeps the variant's own setting). */
  async get(modelDir: string, variant: Variant, threads: number): Promise<Captioner> {
    const effective: Variant = threads > 0 && variant.runtime.threads === 0 ? { ...variant, runtime: { ...variant.runtime, threads } } : variant;
    const key = `${modelDir}|${variantHash(effective)}`;
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry;
    }
    entry = loadCaptioner({ modelDir, variant: effective });
    this.entries.set(key, entry);
    entry.catch(() => this.entries.delete(key));
    await this.evict();
    return entry;
  }

  private async evict(): Promise<void> {
    while (this.entries.size > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Promise<Captioner>];
      this.entries.delete(oldestKey);
      const captioner = await oldest.catch(() => null);
      await captioner?.dispose();
    }
  }

  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const entry of all) {
      const captioner = await entry.catch(() => null);
      await captioner?.dispose();
    }
  }
}
