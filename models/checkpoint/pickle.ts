import { CheckpointError } from './errors.js';

/** A callable that a pickle GLOBAL resolved to; REDUCE calls it with the argument tuple. */
export class PickleCallable {
  constructor(
    readonly qualifiedName: string,
    readonly call: (args: readonly unknown[]) => unknown,
  ) {}
}

/** A Python dict or OrderedDict; `state` keeps what BUILD set on it (torch stores `_metadata` there). */
export class PickleDict {
  readonly items = new Map<unknown, unknown>();
  state: unknown = undefined;
}

/** What the caller decides for the two operations that reach outside the pickle stream. */
export interface PickleHooks {
  /** Returns the object a GLOBAL names, or throws CheckpointError to reject it. */
  resolveGlobal(module: string, name: string): unknown;
  /** Returns the object for a persistent id (torch uses them for tensor storages). */
  persistentLoad(pid: unknown): unknown;
}

/** Opcodes of pickle protocols 2 to 5 that this VM runs; any other byte stops the load. */
const OP = {
  MARK: 0x28, // (
  STOP: 0x2e, // .
  POP: 0x30, // 0
  POP_MARK: 0x31, // 1
  DUP: 0x32, // 2
  BINFLOAT: 0x47, // G
  BININT: 0x4a, // J
  BININT1: 0x4b, // K
  BININT2: 0x4d, // M
  NONE: 0x4e, // N
  BINPERSID: 0x51, // Q
  REDUCE: 0x52, // R
  BINSTRING: 0x54, // T
  SHORT_BINSTRING: 0x55, // U
  BINUNICODE: 0x58, // X
  EMPTY_LIST: 0x5d, // ]
  APPEND: 0x61, // a
  BUILD: 0x62, // b
  DICT: 0x64, // d
  APPENDS: 0x65, // e
  BINGET: 0x68, // h
  LONG_BINGET: 0x6a, // j
  LIST: 0x6c, // l
  BINPUT: 0x71, // q
  LONG_BINPUT: 0x72, // r
  SETITEM: 0x73, // s
  TUPLE: 0x74, // t
  SETITEMS: 0x75, // u
  EMPTY_DICT: 0x7d, // }
  GLOBAL: 0x63, // c
  EMPTY_TUPLE: 0x29, // )
  BINBYTES: 0x42, // B
  SHORT_BINBYTES: 0x43, // C
  PROTO: 0x80,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
} as const;

const OPCODE_NAMES = new Map<number, string>(Object.entries(OP).map(([name, code]) => [code, name]));

/**
 * Runs a pickle stream without executing any code: the only way out of the stream is through
 * `hooks`, which decide what each GLOBAL and persistent id becomes. Tuples come back as frozen
 * arrays, lists as arrays, dicts as PickleDict, ints as numbers (bigint past 2^53), bytes as Uint8Array.
 */
export function unpickle(path: string, data: Uint8Array, hooks: PickleHooks): unknown {
  return new PickleMachine(path, data, hooks).run();
}

class PickleMachine {
  private position = 0;
  private stack: unknown[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly view: DataView;
  private readonly text = new TextDecoder('utf-8', { fatal: true });
  private readonly latin1 = new TextDecoder('latin1');

  constructor(
    private readonly path: string,
    private readonly data: Uint8Array,
    private readonly hooks: PickleHooks,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  run(): unknown {
    for (;;) {
      const at = this.position;
      const opcode = this.readUint8();
      if (opcode === OP.STOP) {
        if (this.stack.length !== 1) this.fail(at, `STOP with ${this.stack.length} values on the stack instead of 1`);
        return this.stack[0];
      }
      this.step(opcode, at);
    }
  }

  private step(opcode: number, at: number): void {
    switch (opcode) {
      case OP.PROTO:
        this.readUint8();
        return;
      case OP.FRAME:
        // Frames only group bytes for buffered reading; the whole stream is in memory already.
        this.readBytes(8);
        return;
      case OP.MARK:
        this.marks.push(this.stack.length);
        return;
      case OP.POP:
        this.pop(at);
        return;
      case OP.POP_MARK:
        this.popMark(at);
        return;
      case OP.DUP:
        this.stack.push(this.top(at));
        return;

      case OP.NONE:
        this.stack.push(null);
        return;
      case OP.NEWTRUE:
        this.stack.push(true);
        return;
      case OP.NEWFALSE:
        this.stack.push(false);
        return;
      case OP.BININT:
        this.stack.push(this.view.getInt32(this.advance(4), true));
        return;
      case OP.BININT1:
        this.stack.push(this.readUint8());
        return;
      case OP.BININT2:
        this.stack.push(this.view.getUint16(this.advance(2), true));
        return;
      case OP.LONG1:
        this.stack.push(this.readLong(this.readUint8()));
        return;
      case OP.LONG4:
        this.stack.push(this.readLong(this.readLength(4, at)));
        return;
      case OP.BINFLOAT:
        // Pickle stores floats big-endian.
        this.stack.push(this.view.getFloat64(this.advance(8), false));
        return;

      case OP.BINUNICODE:
        this.stack.push(this.decodeUtf8(this.readBytes(this.readLength(4, at)), at));
        return;
      case OP.SHORT_BINUNICODE:
        this.stack.push(this.decodeUtf8(this.readBytes(this.readUint8()), at));
        return;
      case OP.BINUNICODE8:
        this.stack.push(this.decodeUtf8(this.readBytes(this.readLength(8, at)), at));
        return;
      case OP.BINSTRING:
        this.stack.push(this.latin1.decode(this.readBytes(this.readLength(4, at))));
        return;
      case OP.SHORT_BINSTRING:
        this.stack.push(this.latin1.decode(this.readBytes(this.readUint8())));
        return;
      case OP.BINBYTES:
        this.stack.push(this.readBytes(this.readLength(4, at)).slice());
        return;
      case OP.SHORT_BINBYTES:
        this.stack.push(this.readBytes(this.readUint8()).slice());
        return;
      case OP.BINBYTES8:
        this.stack.push(this.readBytes(this.readLength(8, at)).slice());
        return;

      case OP.EMPTY_TUPLE:
        this.stack.push(Object.freeze([]));
        return;
      case OP.TUPLE:
        this.stack.push(Object.freeze(this.popMark(at)));
        return;
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const count = opcode - OP.TUPLE1 + 1;
        if (this.stack.length - this.floor() < count) this.fail(at, `TUPLE${count} needs ${count} values on the stack`);
        this.stack.push(Object.freeze(this.stack.splice(this.stack.length - count, count)));
        return;
      }
      case OP.EMPTY_LIST:
        this.stack.push([]);
        return;
      case OP.LIST:
        this.stack.push(this.popMark(at));
        return;
      case OP.APPEND: {
        const value = this.pop(at);
        this.list(this.top(at), at).push(value);
        return;
      }
      case OP.APPENDS: {
        const values = this.popMark(at);
        this.list(this.top(at), at).push(...values);
        return;
      }
      case OP.EMPTY_DICT:
        this.stack.push(new PickleDict());
        return;
      case OP.DICT: {
        const dict = new PickleDict();
        this.setItems(dict, this.popMark(at), at);
        this.stack.push(dict);
        return;
      }
      case OP.SETITEM: {
        const value = this.pop(at);
        const key = this.pop(at);
        this.dict(this.top(at), at).items.set(key, value);
        return;
      }
      case OP.SETITEMS: {
        const pairs = this.popMark(at);
        this.setItems(this.dict(this.top(at), at), pairs, at);
        return;
      }

      case OP.BINPUT:
        this.memo.set(this.readUint8(), this.top(at));
        return;
      case OP.LONG_BINPUT:
        this.memo.set(this.view.getUint32(this.advance(4), true), this.top(at));
        return;
      case OP.MEMOIZE:
        this.memo.set(this.memo.size, this.top(at));
        return;
      case OP.BINGET:
        this.stack.push(this.memoGet(this.readUint8(), at));
        return;
      case OP.LONG_BINGET:
        this.stack.push(this.memoGet(this.view.getUint32(this.advance(4), true), at));
        return;

      case OP.GLOBAL: {
        const module = this.readLine(at);
        const name = this.readLine(at);
        this.stack.push(this.hooks.resolveGlobal(module, name));
        return;
      }
      case OP.STACK_GLOBAL: {
        const name = this.pop(at);
        const module = this.pop(at);
        if (typeof module !== 'string' || typeof name !== 'string') this.fail(at, 'STACK_GLOBAL needs two strings');
        this.stack.push(this.hooks.resolveGlobal(module, name));
        return;
      }
      case OP.REDUCE: {
        const args = this.pop(at);
        const callable = this.pop(at);
        if (!(callable instanceof PickleCallable)) this.fail(at, 'REDUCE on a value that is not an allowed callable');
        if (!Array.isArray(args)) this.fail(at, `REDUCE of ${callable.qualifiedName} without an argument tuple`);
        this.stack.push(callable.call(args));
        return;
      }
      case OP.BUILD: {
        const state = this.pop(at);
        const target = this.top(at);
        // torch pickles a state_dict's `_metadata` attribute as BUILD on the OrderedDict; nothing else is expected.
        if (!(target instanceof PickleDict)) this.fail(at, 'BUILD on a value other than a dict');
        target.state = state;
        return;
      }
      case OP.BINPERSID:
        this.stack.push(this.hooks.persistentLoad(this.pop(at)));
        return;

      default: {
        const name = OPCODE_NAMES.get(opcode) ?? `0x${opcode.toString(16).padStart(2, '0')}`;
        throw new CheckpointError(
          `${this.path}: pickle opcode ${name} at byte ${at} is not supported by this reader; the file is rejected for safety.`,
        );
      }
    }
  }

  private setItems(dict: PickleDict, flat: unknown[], at: number): void {
    if (flat.length % 2 !== 0) this.fail(at, 'SETITEMS with an odd number of values');
    for (let i = 0; i < flat.length; i += 2) dict.items.set(flat[i], flat[i + 1]);
  }

  private list(value: unknown, at: number): unknown[] {
    if (!Array.isArray(value) || Object.isFrozen(value)) this.fail(at, 'APPEND on a value that is not a list');
    return value;
  }

  private dict(value: unknown, at: number): PickleDict {
    if (!(value instanceof PickleDict)) this.fail(at, 'SETITEM on a value that is not a dict');
    return value;
  }

  private memoGet(index: number, at: number): unknown {
    if (!this.memo.has(index)) this.fail(at, `memo entry ${index} read before it was written`);
    return this.memo.get(index);
  }

  /** Lowest stack index that the innermost MARK allows popping to. */
  private floor(): number {
    return this.marks.length > 0 ? this.marks[this.marks.length - 1] : 0;
  }

  private pop(at: number): unknown {
    if (this.stack.length <= this.floor()) this.fail(at, 'stack underflow');
    return this.stack.pop();
  }

  private top(at: number): unknown {
    if (this.stack.length <= this.floor()) this.fail(at, 'stack underflow');
    return this.stack[this.stack.length - 1];
  }

  private popMark(at: number): unknown[] {
    const mark = this.marks.pop();
    if (mark === undefined) this.fail(at, 'no MARK to pop to');
    return this.stack.splice(mark);
  }

  private readLong(length: number): number | bigint {
    // Little-endian two's complement of `length` bytes.
    const bytes = this.readBytes(length);
    let value = 0n;
    for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
    if (length > 0 && bytes[length - 1] & 0x80) value -= 1n << BigInt(8 * length);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  private readLength(width: 4 | 8, at: number): number {
    const offset = this.advance(width);
    const length = width === 4 ? this.view.getUint32(offset, true) : Number(this.view.getBigUint64(offset, true));
    if (length > this.data.byteLength - this.position) this.fail(at, `length ${length} runs past the end of the pickle`);
    return length;
  }

  private readLine(at: number): string {
    const end = this.data.indexOf(0x0a, this.position);
    if (end < 0) this.fail(at, 'GLOBAL without a newline-terminated name');
    const line = this.decodeUtf8(this.data.subarray(this.position, end), at);
    this.position = end + 1;
    return line;
  }

  private decodeUtf8(bytes: Uint8Array, at: number): string {
    try {
      return this.text.decode(bytes);
    } catch {
      this.fail(at, 'string that is not valid UTF-8');
    }
  }

  private readUint8(): number {
    return this.data[this.advance(1)];
  }

  private readBytes(length: number): Uint8Array {
    const start = this.advance(length);
    return this.data.subarray(start, start + length);
  }

  /** Moves past `length` bytes and returns where they start. */
  private advance(length: number): number {
    const start = this.position;
    if (start + length > this.data.byteLength) {
      throw new CheckpointError(`${this.path}: the pickle ends at byte ${this.data.byteLength} in the middle of an opcode; the file is truncated or corrupt.`);
    }
    this.position += length;
    return start;
  }

  private fail(at: number, what: string): never {
    throw new CheckpointError(`${this.path}: invalid pickle at byte ${at}: ${what}.`);
  }
}
