import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, SafetensorsFile, writeSafetensors, type TensorToWrite } from '../../models/checkpoint/index.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'safetensors-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fp32 = new Float32Array([0, -1.5, 3.25, 1e-30, -7e20, Math.fround(Math.PI)]);
// 1, -2, 65504 (max half), 2^-24 (min subnormal), +inf, -0
const fp16Bits = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x8000]);
// 1, -2, 3.140625, bf16 max finite
const bf16Bits = new Uint16Array([0x3f80, 0xc000, 0x4049, 0x7f7f]);
const int64 = new BigInt64Array([0n, -1n, 9007199254740993n, -(2n ** 63n), 511n]);
const oneByte = new Uint8Array([7, 0, 255]);

const tensors: TensorToWrite[] = [
  { name: 'odd.u8', dtype: 'U8', shape: [3], data: oneByte },
  { name: 'weights.fp32', dtype: 'F32', shape: [2, 3], data: fp32 },
  { name: 'weights.fp16', dtype: 'F16', shape: [3, 2], data: fp16Bits },
  { name: 'weights.bf16', dtype: 'BF16', shape: [4], data: bf16Bits },
  { name: 'position_ids', dtype: 'I64', shape: [1, 5], data: int64 },
  { name: 'scalar', dtype: 'F32', shape: [], data: new Float32Array([42]) },
  { name: 'empty', dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
];

async function writeSample(name: string): Promise<string> {
  const path = join(dir, name);
  await writeSafetensors(path, tensors, { format: 'pt', note: 'round trip' });
  return path;
}

/** Writes a file of the 8-byte header length, `header` and `data`; the length defaults to the header's. */
async function writeRaw(name: string, header: string | Buffer, data: Buffer = Buffer.alloc(0), declaredLength?: bigint): Promise<string> {
  const headerBytes = typeof header === 'string' ? Buffer.from(header) : header;
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(declaredLength ?? BigInt(headerBytes.length));
  const path = join(dir, name);
  await writeFile(path, Buffer.concat([length, headerBytes, data]));
  return path;
}

function assertRejects(path: string, ...fragments: RegExp[]): void {
  assert.throws(
    () => SafetensorsFile.open(path),
    (error: unknown) => {
      assert.ok(error instanceof CheckpointError, `expected CheckpointError, got ${String(error)}`);
      assert.ok(error.message.includes(path), `message does not name the file: ${error.message}`);
      for (const fragment of fragments) assert.match(error.message, fragment);
      return true;
    },
  );
}

describe('safetensors round trip', () => {
  test('keeps names, shapes, dtypes and metadata', async () => {
    const file = SafetensorsFile.open(await writeSample('meta.safetensors'));
    assert.deepEqual(file.metadata, { format: 'pt', note: 'round trip' });
    assert.deepEqual(new Set(file.names()), new Set(tensors.map((tensor) => tensor.name)));
    for (const tensor of tensors) {
      const info = file.info(tensor.name);
      assert.equal(info.dtype, tensor.dtype, tensor.name);
      assert.deepEqual(info.shape, tensor.shape, tensor.name);
      assert.equal(info.byteLength, tensor.data.byteLength, tensor.name);
    }
    assert.equal(file.has('weights.fp32'), true);
    assert.equal(file.has('missing'), false);
  });

  test('keeps fp32 values and returns a view', async () => {
    const file = SafetensorsFile.open(await writeSample('fp32.safetensors'));
    const values = file.float32('weights.fp32');
    assert.deepEqual(values, fp32);
    assert.equal(values.buffer, file.bytes('weights.fp32').buffer, 'aligned F32 should be a view, not a copy');
    assert.deepEqual(file.float32('scalar'), new Float32Array([42]));
    assert.deepEqual(file.float32('empty'), new Float32Array(0));
  });

  test('converts fp16 and bf16 to fp32', async () => {
    const file = SafetensorsFile.open(await writeSample('half.safetensors'));
    assert.deepEqual([...file.float32('weights.fp16')], [1, -2, 65504, 2 ** -24, Infinity, -0]);
    assert.ok(Object.is(file.float32('weights.fp16')[5], -0));
    assert.deepEqual([...file.float32('weights.bf16')], [1, -2, 3.140625, 3.3895313892515355e38]);
    assert.deepEqual(new Uint16Array(file.bytes('weights.fp16').slice().buffer), fp16Bits);
  });

  test('keeps int64 bytes exactly', async () => {
    const file = SafetensorsFile.open(await writeSample('int64.safetensors'));
    const bytes = file.bytes('position_ids').slice();
    assert.deepEqual(new BigInt64Array(bytes.buffer), int64);
    assert.deepEqual(file.bytes('odd.u8'), oneByte);
  });

  test('converts F64 to fp32', async () => {
    const path = join(dir, 'f64.safetensors');
    await writeSafetensors(path, [{ name: 'x', dtype: 'F64', shape: [3], data: new Float64Array([0.5, -1e300, 1 / 3]) }]);
    assert.deepEqual([...SafetensorsFile.open(path).float32('x')], [0.5, -Infinity, Math.fround(1 / 3)]);
  });

  test('aligns the data section and each tensor', async () => {
    const path = await writeSample('aligned.safetensors');
    const raw = await readFile(path);
    const headerLength = Number(raw.readBigUInt64LE(0));
    assert.equal((8 + headerLength) % 8, 0, 'data section starts at a multiple of 8');
    const header = JSON.parse(raw.subarray(8, 8 + headerLength).toString()) as Record<string, { dtype: string; data_offsets: [number, number] }>;
    const sizes: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, U8: 1 };
    for (const tensor of tensors) {
      const [begin] = header[tensor.name].data_offsets;
      assert.equal(begin % sizes[tensor.dtype], 0, `${tensor.name} at ${begin}`);
    }
  });

  test('reads fp32 at an unaligned offset as a copy', async () => {
    // Hand-made file: a 1-byte tensor first puts the F32 tensor at data offset 1.
    const header = JSON.stringify({ a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] }, b: { dtype: 'F32', shape: [2], data_offsets: [1, 9] } });
    const data = Buffer.alloc(9);
    data.writeFloatLE(1.5, 1);
    data.writeFloatLE(-4, 5);
    const file = SafetensorsFile.open(await writeRaw('unaligned.safetensors', header, data));
    assert.deepEqual([...file.float32('b')], [1.5, -4]);
  });

  test('leaves no partial file when the write fails', async () => {
    const target = join(dir, 'occupied');
    await mkdir(join(target, 'child'), { recursive: true });
    await assert.rejects(writeSafetensors(target, tensors));
    assert.deepEqual((await readdir(dir)).filter((name) => name.endsWith('.partial')), []);
  });
});

describe('safetensors writer input checks', () => {
  test('rejects data shorter than the shape', async () => {
    const path = join(dir, 'short.safetensors');
    await assert.rejects(
      writeSafetensors(path, [{ name: 'w', dtype: 'F32', shape: [2, 2], data: new Float32Array(3) }]),
      (error: unknown) => error instanceof CheckpointError && /"w"/.test(error.message) && /needs 16/.test(error.message),
    );
    await assert.rejects(readFile(path), { code: 'ENOENT' });
  });

  test('rejects duplicate names', async () => {
    const tensor: TensorToWrite = { name: 'w', dtype: 'U8', shape: [1], data: new Uint8Array(1) };
    await assert.rejects(writeSafetensors(join(dir, 'dup.safetensors'), [tensor, tensor]), (error: unknown) => error instanceof CheckpointError && /twice/.test(error.message));
  });
});

describe('safetensors reader rejects bad files', () => {
  test('zero-byte file', async () => {
    const path = join(dir, 'zero.safetensors');
    await writeFile(path, Buffer.alloc(0));
    assertRejects(path, /0 bytes/);
  });

  test('truncated header', async () => {
    const whole = await readFile(await writeSample('whole.safetensors'));
    const path = join(dir, 'cut-header.safetensors');
    await writeFile(path, whole.subarray(0, 40));
    assertRejects(path, /header length \d+ runs past the end/);
  });

  test('header length past end of file', async () => {
    assertRejects(await writeRaw('huge-length.safetensors', '{}', Buffer.alloc(0), 2n ** 62n), /header length 4611686018427387904/);
  });

  test('header over the format limit', async () => {
    const path = join(dir, 'big-header.safetensors');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(100_000_001n);
    await writeFile(path, length);
    // A sparse file: the size check runs before any of the header is read.
    await truncate(path, 8 + 100_000_001);
    assertRejects(path, /exceeds the 100000000-byte limit/);
  });

  test('header that is not JSON', async () => {
    assertRejects(await writeRaw('not-json.safetensors', 'PK\u0003\u0004 this is a zip'), /not valid JSON/);
  });

  test('header that is a JSON array', async () => {
    assertRejects(await writeRaw('array.safetensors', '[1, 2]'), /JSON object/);
  });

  test('truncated data section', async () => {
    const whole = await readFile(await writeSample('whole2.safetensors'));
    const path = join(dir, 'cut-data.safetensors');
    await writeFile(path, whole.subarray(0, whole.length - 3));
    assertRejects(path, /outside the data section/, /truncated/);
  });

  test('offsets outside the data section', async () => {
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } });
    assertRejects(await writeRaw('outside.safetensors', header, Buffer.alloc(16)), /tensor "w"/, /\[8, 24\] outside the data section of 16 bytes/);
  });

  test('begin after end', async () => {
    const header = JSON.stringify({ w: { dtype: 'U8', shape: [0], data_offsets: [4, 2] } });
    assertRejects(await writeRaw('reversed.safetensors', header, Buffer.alloc(8)), /tensor "w"/);
  });

  test('shape and byte length mismatch', async () => {
    const header = JSON.stringify({ w: { dtype: 'F16', shape: [3, 3], data_offsets: [0, 16] } });
    assertRejects(await writeRaw('mismatch.safetensors', header, Buffer.alloc(16)), /tensor "w" spans 16 bytes/, /needs 18 bytes/);
  });

  test('overlapping tensors', async () => {
    const header = JSON.stringify({
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    });
    assertRejects(await writeRaw('overlap.safetensors', header, Buffer.alloc(12)), /"a" \[0, 8\] and "b" \[4, 12\] overlap/);
  });

  test('unknown dtype', async () => {
    const header = JSON.stringify({ w: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } });
    assertRejects(await writeRaw('dtype.safetensors', header, Buffer.alloc(2)), /tensor "w" has dtype "F8_E4M3"/, /supported dtypes are/);
  });

  test('negative or fractional shape', async () => {
    const header = JSON.stringify({ w: { dtype: 'U8', shape: [2, -1], data_offsets: [0, 2] } });
    assertRejects(await writeRaw('shape.safetensors', header, Buffer.alloc(2)), /tensor "w" has shape \[2,-1\]/);
  });

  test('non-string metadata value', async () => {
    const header = JSON.stringify({ __metadata__: { format: 1 } });
    assertRejects(await writeRaw('metadata.safetensors', header), /__metadata__\.format/);
  });
});

describe('safetensors accessors', () => {
  test('info of a missing tensor names it', async () => {
    const path = await writeSample('missing.safetensors');
    const file = SafetensorsFile.open(path);
    assert.throws(
      () => file.info('text_decoder.cls.predictions.bias'),
      (error: unknown) => error instanceof CheckpointError && error.message.includes(path) && error.message.includes('"text_decoder.cls.predictions.bias"'),
    );
  });

  test('float32 of an integer tensor is rejected', async () => {
    const file = SafetensorsFile.open(await writeSample('int-as-float.safetensors'));
    assert.throws(() => file.float32('position_ids'), (error: unknown) => error instanceof CheckpointError && /"position_ids" is I64/.test(error.message));
  });
});
