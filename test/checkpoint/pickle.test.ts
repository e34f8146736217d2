import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckpointError } from '../../models/checkpoint/index.js';
import { PickleCallable, PickleDict, unpickle, type PickleHooks } from '../../models/checkpoint/pickle.js';

const PATH = '/virtual/data.pkl';

const noGlobals: PickleHooks = {
  resolveGlobal: (module, name) => {
    throw new CheckpointError(`${PATH}: test refuses ${module}.${name}`);
  },
  persistentLoad: (pid) => ({ pid }),
};

function run(bytes: number[], hooks: PickleHooks = noGlobals): unknown {
  return unpickle(PATH, new Uint8Array(bytes), hooks);
}

function assertRejected(bytes: number[], pattern: RegExp): void {
  assert.throws(
    () => run(bytes),
    (error: unknown) => error instanceof CheckpointError && error.message.includes(PATH) && pattern.test(error.message),
  );
}

test('pickle integers of every width', () => {
  // [BININT -2, BININT1 255, BININT2 65535, LONG1 -1 (one byte), LONG1 2^63 (9 bytes), LONG4 2^53 + 1]
  const value = run([
    0x80, 2, 0x28,
    0x4a, 0xfe, 0xff, 0xff, 0xff,
    0x4b, 0xff,
    0x4d, 0xff, 0xff,
    0x8a, 1, 0xff,
    0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0x80, 0,
    0x8b, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x20, 0,
    0x74, 0x2e,
  ]);
  assert.deepEqual(value, [-2, 255, 65535, -1, 2n ** 63n, 2n ** 53n + 1n]);
});

test('pickle floats, strings, bytes and constants', () => {
  const float = Buffer.alloc(8);
  float.writeDoubleBE(-0.1);
  const value = run([
    0x80, 2, 0x28,
    0x47, ...float,
    0x58, 3, 0, 0, 0, 0xc3, 0xa9, 0x21, // BINUNICODE "é!"
    0x43, 2, 0xde, 0xad, // SHORT_BINBYTES
    0x4e, 0x88, 0x89, // None, True, False
    0x74, 0x2e,
  ]);
  assert.deepEqual(value, [-0.1, 'é!', new Uint8Array([0xde, 0xad]), null, true, false]);
});

test('pickle memo, lists and dicts', () => {
  // l = []; BINPUT 0; APPEND 'a'; d = {}; d['x'] = BINGET 0; d['y'] = 1 via SETITEMS; result (l, d)
  const value = run([
    0x80, 2,
    0x5d, 0x71, 0, 0x8c, 1, 0x61, 0x61,
    0x7d, 0x28, 0x8c, 1, 0x78, 0x68, 0, 0x8c, 1, 0x79, 0x4b, 1, 0x75,
    0x86, 0x2e,
  ]) as [string[], PickleDict];
  assert.deepEqual(value[0], ['a']);
  assert.ok(value[1] instanceof PickleDict);
  assert.equal(value[1].items.get('x'), value[0], 'BINGET returns the same list object');
  assert.equal(value[1].items.get('y'), 1);
});

test('pickle GLOBAL goes through the hook', () => {
  const hooks: PickleHooks = {
    resolveGlobal: (module, name) => new PickleCallable(`${module}.${name}`, (args) => `called with ${args.length}`),
    persistentLoad: () => null,
  };
  const value = run([0x80, 2, 0x63, ...Buffer.from('m\nf\n'), 0x4b, 1, 0x4b, 2, 0x86, 0x52, 0x2e], hooks);
  assert.equal(value, 'called with 2');
});

test('pickle rejects a refused global', () => {
  assertRejected([0x80, 2, 0x63, ...Buffer.from('os\nsystem\n'), 0x2e], /test refuses os\.system/);
});

test('pickle rejects unsupported opcodes', () => {
  // PERSID (text persistent id) and OBJ are protocol-0/1 opcodes outside this VM.
  assertRejected([0x80, 2, 0x50, ...Buffer.from('0\n'), 0x2e], /opcode 0x50 at byte 2 is not supported/);
  assertRejected([0x80, 2, 0x28, 0x6f, 0x2e], /opcode 0x6f at byte 3/);
});

test('pickle rejects REDUCE on data', () => {
  assertRejected([0x80, 2, 0x4b, 1, 0x29, 0x52, 0x2e], /REDUCE on a value that is not an allowed callable/);
});

test('pickle rejects APPEND to a tuple', () => {
  assertRejected([0x80, 2, 0x29, 0x4b, 1, 0x61, 0x2e], /APPEND on a value that is not a list/);
});

test('pickle rejects BUILD on a list', () => {
  assertRejected([0x80, 2, 0x5d, 0x7d, 0x62, 0x2e], /BUILD on a value other than a dict/);
});

test('pickle rejects a truncated stream', () => {
  assertRejected([0x80, 2, 0x58, 10, 0, 0, 0, 0x61], /length 10 runs past the end/);
  assertRejected([0x80, 2, 0x4b], /ends at byte 3 in the middle of an opcode/);
  assertRejected([0x80, 2, 0x4b, 1], /ends at byte 4/);
});

test('pickle rejects stack underflow and bad memo reads', () => {
  assertRejected([0x80, 2, 0x86, 0x2e], /TUPLE2 needs 2 values/);
  assertRejected([0x80, 2, 0x68, 5, 0x2e], /memo entry 5 read before it was written/);
  assertRejected([0x80, 2, 0x4b, 1, 0x4b, 2, 0x2e], /STOP with 2 values/);
});
