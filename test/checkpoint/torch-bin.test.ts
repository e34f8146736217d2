import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, SafetensorsFile, TorchBinFile } from '../../models/checkpoint/index.js';
import { buildZip, op, tensorDictPickle, torchArchive, type TensorSpec } from './torch-archive.js';

const FIXTURES = 'test/fixtures/checkpoint';
interface Expected {
  dtype: string;
  shape: number[];
  hex: string;
}
let expected: Record<string, Expected>;
let dir: string;

before(async () => {
  expected = JSON.parse(await readFile(join(FIXTURES, 'small.json'), 'utf8')) as Record<string, Expected>;
  dir = await mkdtemp(join(tmpdir(), 'torch-bin-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function assertCheckpointError(run: () => unknown, path: string, ...fragments: RegExp[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof CheckpointError, `expected CheckpointError, got ${String(error)}`);
    assert.ok(error.message.includes(path), `message does not name the file: ${error.message}`);
    for (const fragment of fragments) assert.match(error.message, fragment);
    return true;
  });
}

async function writeArchive(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

const floats = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

describe('torch.save fixture written by torch 2.13', () => {
  for (const fixture of ['small.bin', 'small-deflated.bin']) {
    test(`${fixture} matches torch's bytes exactly`, () => {
      const file = TorchBinFile.open(join(FIXTURES, fixture));
      assert.deepEqual(new Set(file.names()), new Set(Object.keys(expected)));
      assert.deepEqual(file.skipped, []);
      for (const [name, want] of Object.entries(expected)) {
        const info = file.info(name);
        assert.equal(info.dtype, want.dtype, name);
        assert.deepEqual(info.shape, want.shape, name);
        assert.equal(Buffer.from(file.bytes(name)).toString('hex'), want.hex, name);
        assert.equal(info.byteLength, want.hex.length / 2, name);
      }
    });
  }

  test('transposed tensor is made contiguous', () => {
    const file = TorchBinFile.open(join(FIXTURES, 'small.bin'));
    const values = file.float32('transposed');
    assert.deepEqual(file.info('transposed').shape, [5, 3]);
    assert.deepEqual(Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('hex'), expected.transposed.hex);
  });

  test('window of a shared storage reads its own elements', () => {
    const file = TorchBinFile.open(join(FIXTURES, 'small.bin'));
    // base = arange(20).reshape(4, 5); window = base[1:3, 2:4]
    assert.deepEqual([...file.float32('shared.window')], [7, 8, 12, 13]);
    assert.deepEqual([...file.float32('shared.whole')], Array.from({ length: 20 }, (_, i) => i));
  });

  test('converts half and bfloat16 like torch', () => {
    const file = TorchBinFile.open(join(FIXTURES, 'small.bin'));
    const half = file.float32('half.edges');
    assert.deepEqual([...half.subarray(0, 8)], [0, -0, 1, 65504, 2 ** -24, 6.097555160522461e-5, Infinity, -Infinity]);
    assert.ok(Object.is(half[1], -0));
    assert.ok(Number.isNaN(half[8]));
    assert.equal(half[9], 0.333251953125);
    assert.deepEqual([...file.float32('bfloat.values')].slice(0, 3), [1, -2.5, 3.140625]);
    assert.deepEqual([...file.float32('parameter')], [0.5, -0.25]);
  });

  test('agrees with the safetensors file Python wrote', () => {
    const bin = TorchBinFile.open(join(FIXTURES, 'small.bin'));
    const safetensors = SafetensorsFile.open(join(FIXTURES, 'small.safetensors'));
    assert.deepEqual(safetensors.metadata, { format: 'pt' });
    for (const name of safetensors.names()) {
      assert.deepEqual(safetensors.info(name), bin.info(name), name);
      assert.deepEqual(safetensors.bytes(name), bin.bytes(name), name);
    }
  });
});

describe('torch.save reader rejects unsafe and bad files', () => {
  test('pickle calling os.system is rejected', () => {
    const path = join(FIXTURES, 'malicious.bin');
    assertCheckpointError(() => TorchBinFile.open(path), path, /global os\.system/, /rejected for safety/);
  });

  test('STACK_GLOBAL of builtins.eval is rejected', async () => {
    const pickle = new Uint8Array([...op.proto2, ...op.shortString('builtins'), ...op.shortString('eval'), 0x93, ...op.stop]);
    const path = await writeArchive('eval.bin', torchArchive(pickle, {}));
    assertCheckpointError(() => TorchBinFile.open(path), path, /global builtins\.eval/, /rejected for safety/);
  });

  test('unsupported opcode is rejected', async () => {
    // INST ('i') builds an instance of any class in protocol 0; it has no place in a torch checkpoint.
    const pickle = new Uint8Array([...op.proto2, 0x69, ...Buffer.from('os\nsystem\n'), ...op.stop]);
    const path = await writeArchive('inst.bin', torchArchive(pickle, {}));
    assertCheckpointError(() => TorchBinFile.open(path), path, /opcode 0x69 at byte 2/, /rejected for safety/);
  });

  test('legacy pre-1.6 format is rejected', () => {
    const path = join(FIXTURES, 'legacy.bin');
    assertCheckpointError(() => TorchBinFile.open(path), path, /legacy torch\.save format/);
  });

  test('empty file is rejected', async () => {
    const path = await writeArchive('empty.bin', new Uint8Array(0));
    assertCheckpointError(() => TorchBinFile.open(path), path, /empty/);
  });

  test('safetensors file is not taken for a torch archive', () => {
    const path = join(FIXTURES, 'small.safetensors');
    assertCheckpointError(() => TorchBinFile.open(path), path, /not a zip archive/);
  });

  test('truncated archive is rejected', async () => {
    const whole = await readFile(join(FIXTURES, 'small.bin'));
    const path = await writeArchive('truncated.bin', whole.subarray(0, 3000));
    assertCheckpointError(() => TorchBinFile.open(path), path, /no zip end-of-central-directory record/);
  });

  test('flipped storage byte fails the CRC check', async () => {
    const bytes = Buffer.from(await readFile(join(FIXTURES, 'small.bin')));
    // torch aligns storage data to 64 bytes; find storage 0 (the Linear weight) through its local header.
    const nameAt = bytes.indexOf('small/data/0');
    const dataAt = nameAt + 'small/data/0'.length + bytes.readUInt16LE(nameAt - 2);
    bytes[dataAt] ^= 0xff;
    const path = await writeArchive('crc.bin', bytes);
    assertCheckpointError(() => TorchBinFile.open(path), path, /"small\/data\/0" fails its CRC-32 check/);
  });

  test('zip64 end record is rejected clearly', async () => {
    const bytes = Buffer.from(await readFile(join(FIXTURES, 'small.bin')));
    const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    bytes.writeUInt32LE(0xffffffff, eocd + 16);
    const path = await writeArchive('zip64.bin', bytes);
    assertCheckpointError(() => TorchBinFile.open(path), path, /zip64 archives .* are not supported/);
  });

  test('unknown compression method is rejected', async () => {
    const zip = buildZip({ 'archive/data.pkl': new Uint8Array([...op.proto2, ...op.emptyDict, ...op.stop]) });
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt16LE(12, central + 10);
    const path = await writeArchive('bzip2.bin', zip);
    assertCheckpointError(() => TorchBinFile.open(path), path, /compression method 12/);
  });

  test('tensor reaching past its storage is rejected', async () => {
    const spec: TensorSpec = { name: 'w', storageClass: 'FloatStorage', key: '0', numel: 4, offset: 2, shape: [2, 2], stride: [2, 1] };
    const path = await writeArchive('bounds.bin', torchArchive(tensorDictPickle([spec]), { '0': floats([1, 2, 3, 4]) }));
    assertCheckpointError(() => TorchBinFile.open(path), path, /tensor "w"/, /reaches element 5 of a 4-element storage/);
  });

  test('storage file of the wrong size is rejected', async () => {
    const spec: TensorSpec = { name: 'w', storageClass: 'FloatStorage', key: '0', numel: 4, offset: 0, shape: [4], stride: [1] };
    const path = await writeArchive('size.bin', torchArchive(tensorDictPickle([spec]), { '0': floats([1, 2, 3]) }));
    assertCheckpointError(() => TorchBinFile.open(path), path, /storage "0" has 12 bytes, but 4 F32 elements need 16/);
  });

  test('missing storage file is rejected', async () => {
    const spec: TensorSpec = { name: 'w', storageClass: 'HalfStorage', key: '7', numel: 1, offset: 0, shape: [1], stride: [1] };
    const path = await writeArchive('missing.bin', torchArchive(tensorDictPickle([spec]), {}));
    assertCheckpointError(() => TorchBinFile.open(path), path, /"archive\/data\/7" is missing/);
  });

  test('unknown tensor name is reported', () => {
    const path = join(FIXTURES, 'small.bin');
    const file = TorchBinFile.open(path);
    assertCheckpointError(() => file.info('nope'), path, /no tensor named "nope"/);
  });
});

describe('hand-made torch archives', () => {
  test('strided 3-d view is gathered in row-major order', async () => {
    // storage = 0..23; view of shape [2, 2, 3] with strides [12, 1, 4] at offset 1.
    const storage = floats(Array.from({ length: 24 }, (_, i) => i));
    const spec: TensorSpec = { name: 'v', storageClass: 'FloatStorage', key: '0', numel: 24, offset: 1, shape: [2, 2, 3], stride: [12, 1, 4] };
    const path = await writeArchive('strided.bin', torchArchive(tensorDictPickle([spec]), { '0': storage }, 8));
    const values = [...TorchBinFile.open(path).float32('v')];
    const want: number[] = [];
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) want.push(1 + 12 * a + b + 4 * c);
    assert.deepEqual(values, want);
  });

  test('nested dicts are flattened with dots', async () => {
    const inner = tensorDictPickle([{ name: 'weight', storageClass: 'FloatStorage', key: '0', numel: 1, offset: 0, shape: [1], stride: [1] }]);
    // {'model': <inner dict>, 'epoch': 3}: strip the inner pickle's PROTO and STOP and nest it.
    const pickle = new Uint8Array([
      ...op.proto2,
      ...op.emptyDict,
      ...op.mark,
      ...op.shortString('model'),
      ...inner.subarray(2, inner.length - 1),
      ...op.shortString('epoch'),
      ...op.binint(3),
      ...op.setitems,
      ...op.stop,
    ]);
    const path = await writeArchive('nested.bin', torchArchive(pickle, { '0': floats([9]) }));
    const file = TorchBinFile.open(path);
    assert.deepEqual(file.names(), ['model.weight']);
    assert.deepEqual(file.skipped, ['epoch']);
    assert.deepEqual([...file.float32('model.weight')], [9]);
  });
});
