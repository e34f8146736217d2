import { test } from 'node:test';
import assert from 'node:assert/strict';
import { float16ToFloat32, float32ToFloat16, halfBitsToNumber } from '../../models/checkpoint/index.js';

// Expected values are numpy 2.x's float16 casts of the same inputs.
test('fp16 decodes edge bit patterns', () => {
  const cases: Array<[number, number]> = [
    [0x0000, 0],
    [0x0001, 5.960464477539063e-8],
    [0x03ff, 6.097555160522461e-5],
    [0x0400, 6.103515625e-5],
    [0x3555, 0.333251953125],
    [0x3c00, 1],
    [0x7bff, 65504],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
    [0xc000, -2],
    [0x8001, -5.960464477539063e-8],
  ];
  const decoded = float16ToFloat32(new Uint16Array(cases.map(([bits]) => bits)));
  cases.forEach(([bits, expected], i) => assert.equal(decoded[i], expected, `0x${bits.toString(16)}`));
  assert.ok(Object.is(float16ToFloat32(new Uint16Array([0x8000]))[0], -0));
  assert.ok(Number.isNaN(float16ToFloat32(new Uint16Array([0x7e00]))[0]));
  assert.ok(Number.isNaN(halfBitsToNumber(0xfc01)));
});

test('fp16 encoding rounds like numpy', () => {
  const cases: Array<[number, number]> = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65519, 0x7bff],
    [65520, 0x7c00],
    [1e6, 0x7c00],
    [-1e6, 0xfc00],
    [2 ** -24, 0x0001],
    [2 ** -25, 0x0000],
    [Math.fround(2 ** -25 * 1.0001), 0x0001],
    [3 * 2 ** -25, 0x0002],
    [1e-8, 0x0000],
    [6.1e-5, 0x03ff],
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [NaN, 0x7e00],
  ];
  const encoded = float32ToFloat16(new Float32Array(cases.map(([value]) => value)));
  cases.forEach(([value, bits], i) => assert.equal(encoded[i], bits, `${value} -> 0x${encoded[i].toString(16)}, expected 0x${bits.toString(16)}`));
});

test('fp16 round trip of every finite pattern', () => {
  const all = new Uint16Array(65536).map((_, i) => i);
  const back = float32ToFloat16(float16ToFloat32(all));
  for (let bits = 0; bits < 65536; bits++) {
    const isNaNPattern = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
    if (!isNaNPattern) assert.equal(back[bits], bits);
  }
});
