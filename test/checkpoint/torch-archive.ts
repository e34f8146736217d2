// Builders for hand-made torch.save archives, so tests can feed the reader pickles and zips that
// torch itself would never write.
import { crc32, deflateRawSync } from 'node:zlib';

/** Pickle opcode bytes, spelled out so a test shows exactly what the stream does. */
export const op = {
  proto2: [0x80, 0x02],
  mark: [0x28],
  stop: [0x2e],
  emptyDict: [0x7d],
  emptyTuple: [0x29],
  tuple: [0x74],
  tuple1: [0x85],
  tuple2: [0x86],
  reduce: [0x52],
  setitems: [0x75],
  binpersid: [0x51],
  newFalse: [0x89],
  global: (module: string, name: string) => [0x63, ...Buffer.from(`${module}\n${name}\n`)],
  shortString: (text: string) => [0x8c, Buffer.byteLength(text), ...Buffer.from(text)],
  binint: (value: number) => {
    const bytes = Buffer.alloc(5);
    bytes[0] = 0x4a;
    bytes.writeInt32LE(value, 1);
    return [...bytes];
  },
};

function tupleOf(values: number[]): number[] {
  return [...op.mark, ...values.flatMap((value) => op.binint(value)), ...op.tuple];
}

export interface TensorSpec {
  name: string;
  storageClass: string;
  key: string;
  numel: number;
  offset: number;
  shape: number[];
  stride: number[];
}

/** Builds a protocol-2 pickle of a dict of tensors, laid out like torch.save's data.pkl. */
export function tensorDictPickle(tensors: TensorSpec[]): Uint8Array {
  const bytes: number[] = [...op.proto2, ...op.emptyDict, ...op.mark];
  for (const tensor of tensors) {
    bytes.push(
      ...op.shortString(tensor.name),
      ...op.global('torch._utils', '_rebuild_tensor_v2'),
      ...op.mark,
      ...op.mark,
      ...op.shortString('storage'),
      ...op.global('torch', tensor.storageClass),
      ...op.shortString(tensor.key),
      ...op.shortString('cpu'),
      ...op.binint(tensor.numel),
      ...op.tuple,
      ...op.binpersid,
      ...op.binint(tensor.offset),
      ...tupleOf(tensor.shape),
      ...tupleOf(tensor.stride),
      ...op.newFalse,
      ...op.global('collections', 'OrderedDict'),
      ...op.emptyTuple,
      ...op.reduce,
      ...op.tuple,
      ...op.reduce,
    );
  }
  bytes.push(...op.setitems, ...op.stop);
  return new Uint8Array(bytes);
}

/** Builds a zip archive of the entries, stored or deflated, with a central directory and end record. */
export function buildZip(entries: Record<string, Uint8Array>, method: 0 | 8 = 0): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name);
    const stored = method === 8 ? deflateRawSync(data) : Buffer.from(data);
    const crc = crc32(data) >>> 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);

    locals.push(local, nameBytes, stored);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + stored.length;
  }

  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Builds a torch-style archive: `archive/data.pkl`, `archive/data/<key>` for each storage, byteorder and version. */
export function torchArchive(pickle: Uint8Array, storages: Record<string, Uint8Array>, method: 0 | 8 = 0): Buffer {
  const entries: Record<string, Uint8Array> = { 'archive/data.pkl': pickle, 'archive/byteorder': Buffer.from('little') };
  for (const [key, data] of Object.entries(storages)) entries[`archive/data/${key}`] = data;
  entries['archive/version'] = Buffer.from('3\n');
  return buildZip(entries, method);
}
