/**
 * Weight quantization done once at build time, on PyTorch-layout [out, in] fp32 matrices.
 */

/** torch's MinMaxObserver eps for qint8 weights (float32 machine epsilon). */
const TORCH_EPS = 1.1920929e-7;

export interface Int8Weight {
  /** Transposed to [in, out] for MatMul-style operators. */
  data: Int8Array;
  /** One scale, or one per output column. */
  scales: Float32Array;
}

/**
 * Symmetric int8 as torch's quantize_dynamic does for Linear weights: scale = max|w| / 127.5
 * (range [-128, 127]), q = clamp(rint(w / scale)). Per-channel applies the same per output row.
 */
export function quantizeInt8Symmetric(weight: Float32Array, out: number, inFeatures: number, perChannel: boolean): Int8Weight {
  const scales = new Float32Array(perChannel ? out : 1);
  if (perChannel) {
    for (let r = 0; r < out; r++) {
      let maxAbs = 0;
      for (let c = 0; c < inFeatures; c++) maxAbs = Math.max(maxAbs, Math.abs(weight[r * inFeatures + c]));
      scales[r] = Math.max(Math.fround(maxAbs / 127.5), TORCH_EPS);
    }
  } else {
    let maxAbs = 0;
    for (let i = 0; i < weight.length; i++) maxAbs = Math.max(maxAbs, Math.abs(weight[i]));
    scales[0] = Math.max(Math.fround(maxAbs / 127.5), TORCH_EPS);
  }
  const data = new Int8Array(weight.length);
  for (let r = 0; r < out; r++) {
    const inverse = Math.fround(1 / scales[perChannel ? r : 0]);
    for (let c = 0; c < inFeatures; c++) {
      // Math.round rounds halves up; rint rounds them to even, as torch does.
      const x = weight[r * inFeatures + c] * inverse;
      const rounded = Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x);
      data[c * out + r] = Math.max(-128, Math.min(127, rounded));
    }
  }
  return { data, scales };
}

export interface BlockWeight {
  /** [out, blocks, blockSize × bits / 8] packed codes, low bits first. */
  packed: Uint8Array;
  /** [out × blocks] scales. */
  scales: Float32Array;
}

/**
 * Symmetric block quantization for MatMulNBits: each block of `blockSize` weights along the input axis
 * gets scale = max|w| / (2^(bits-1) − 1) and codes q + 2^(bits-1), so the operator's default zero point
 * (8 for 4 bits, 128 for 8 bits) applies and no zero-point tensor is stored.
 */
export function quantizeBlocks(weight: Float32Array, out: number, inFeatures: number, bits: 4 | 8, blockSize: number): BlockWeight {
  const blocks = inFeatures / blockSize;
  const blobSize = (blockSize * bits) / 8;
  const levels = 2 ** (bits - 1) - 1;
  const zeroPoint = 2 ** (bits - 1);
  const packed = new Uint8Array(out * blocks * blobSize);
  const scales = new Float32Array(out * blocks);
  for (let r = 0; r < out; r++) {
    for (let b = 0; b < blocks; b++) {
      const start = r * inFeatures + b * blockSize;
      let maxAbs = 0;
      for (let i = 0; i < blockSize; i++) maxAbs = Math.max(maxAbs, Math.abs(weight[start + i]));
      const scale = maxAbs === 0 ? 1 : Math.fround(maxAbs / levels);
      scales[r * blocks + b] = scale;
      const blob = (r * blocks + b) * blobSize;
      for (let i = 0; i < blockSize; i++) {
        const code = Math.max(0, Math.min(2 * zeroPoint - 1, Math.round(weight[start + i] / scale) + zeroPoint));
        if (bits === 8) packed[blob + i] = code;
        else packed[blob + (i >> 1)] |= i % 2 === 0 ? code : code << 4;
      }
    }
  }
  return { packed, scales };
}
