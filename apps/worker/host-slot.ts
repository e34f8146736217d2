/**
 * The benchmark slot of a host: a Redis key that at most one worker process per host holds, so
 * benchmark runs on one host never overlap. The holder renews it; a killed holder's slot expires
 * after its time to live and another process on the host takes it.
 */
import type { Redis } from 'ioredis';

// Renew or release only while we still own the key, in one atomic step.
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export class HostSlot {
  private held = false;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** Takes the slot if it is free, or renews it if this owner has it; returns whether this owner has it now. */
  async refresh(): Promise<boolean> {
    if (this.held) {
      this.held = (await this.redis.eval(RENEW, 1, this.key, this.owner, String(this.ttlMs))) === 1;
      return this.held;
    }
    this.held = (await this.redis.set(this.key, this.owner, 'PX', this.ttlMs, 'NX')) === 'OK';
    return this.held;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.redis.eval(RELEASE, 1, this.key, this.owner);
  }
}
