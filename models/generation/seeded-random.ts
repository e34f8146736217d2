/**
 * A seeded pseudo-random generator (xoshiro128**; its state is filled from the seed by a golden-ratio counter
 * passed through the lowbias32 integer mixer, in the manner of SplitMix), so that sampling is reproducible
 * for a seed. It is not torch's generator: the same seed gives other draws, hence other captions, than
 * torch.manual_seed with transformers.
 */
export class SeededRandom {
  readonly #state = new Uint32Array(4);

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer from 0 to ${0xffffffff}; got ${seed}.`);
    }
    let value = seed >>> 0;
    for (let index = 0; index < 4; index++) {
      value = (value + 0x9e3779b9) >>> 0;
      let mixed = value;
      mixed = Math.imul(mixed ^ (mixed >>> 16), 0x21f0aaad);
      mixed = Math.imul(mixed ^ (mixed >>> 15), 0x735a2d97);
      this.#state[index] = (mixed ^ (mixed >>> 15)) >>> 0;
    }
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const state = this.#state;
    const result = Math.imul(rotateLeft(Math.imul(state[1], 5), 7), 9) >>> 0;
    const shifted = state[1] << 9;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= shifted;
    state[3] = rotateLeft(state[3], 11);
    return result;
  }

  /** Returns a uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }
}

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}
