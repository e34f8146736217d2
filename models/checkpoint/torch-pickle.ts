import { CheckpointError } from './errors.js';
import type { SafetensorsDtype } from './dtypes.js';
import { PickleCallable, PickleDict, type PickleHooks } from './pickle.js';

/** A storage class named in a torch pickle, such as torch.FloatStorage. */
export class TorchStorageClass {
  constructor(
    readonly name: string,
    readonly dtype: SafetensorsDtype,
  ) {}
}

/** One storage file of the archive, `<prefix>/data/<key>`, as a persistent id describes it. */
export interface TorchStorageRef {
  key: string;
  dtype: SafetensorsDtype;
  /** Element count, as torch.save records it. */
  numel: number;
}

/** A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided window over a storage. */
export class TorchTensorRef {
  constructor(
    readonly storage: TorchStorageRef,
    readonly storageOffset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

/** Storage classes that torch.save names, with the dtype of their elements. */
const STORAGE_CLASSES: Readonly<Record<string, SafetensorsDtype>> = {
  DoubleStorage: 'F64',
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/**
 * Pickle hooks for torch.save's data.pkl. GLOBAL resolves only against an allow-list
 * (collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter,
 * torch._utils._rebuild_parameter_with_state and the torch.*Storage classes), so no other Python
 * callable can be named, let alone run. Persistent ids become storage references, one per key.
 */
export function torchPickleHooks(path: string): PickleHooks {
  const storages = new Map<string, TorchStorageRef>();
  const allowed = new Map<string, unknown>([
    ['collections.OrderedDict', new PickleCallable('collections.OrderedDict', (args) => orderedDict(path, args))],
    ['torch._utils._rebuild_tensor_v2', new PickleCallable('torch._utils._rebuild_tensor_v2', (args) => rebuildTensor(path, args))],
    ['torch._utils._rebuild_parameter', new PickleCallable('torch._utils._rebuild_parameter', (args) => parameterData(path, args))],
    ['torch._utils._rebuild_parameter_with_state', new PickleCallable('torch._utils._rebuild_parameter_with_state', (args) => parameterData(path, args))],
    ...Object.entries(STORAGE_CLASSES).map(([name, dtype]): [string, unknown] => [`torch.${name}`, new TorchStorageClass(name, dtype)]),
  ]);

  return {
    resolveGlobal(module, name) {
      const qualified = `${module}.${name}`;
      if (!allowed.has(qualified)) {
        throw new CheckpointError(
          `${path}: the pickle names the global ${qualified}, which is not on the allow-list of torch checkpoint globals; the file is rejected for safety.`,
        );
      }
      return allowed.get(qualified);
    },
    persistentLoad(pid) {
      // torch.save writes ('storage', storage class, key, location, element count).
      if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== 'storage') {
        throw new CheckpointError(`${path}: persistent id ${describe(pid)} is not a torch storage reference.`);
      }
      const [, storageClass, key, , numel] = pid as unknown[];
      if (!(storageClass instanceof TorchStorageClass) || typeof key !== 'string' || !isCount(numel)) {
        throw new CheckpointError(`${path}: storage reference ${describe(pid)} needs a storage class, a string key and an element count.`);
      }
      const known = storages.get(key);
      if (known) {
        if (known.dtype !== storageClass.dtype) {
          throw new CheckpointError(`${path}: storage "${key}" is referenced as both ${known.dtype} and ${storageClass.dtype}.`);
        }
        return known;
      }
      const storage = { key, dtype: storageClass.dtype, numel };
      storages.set(key, storage);
      return storage;
    },
  };
}

function orderedDict(path: string, args: readonly unknown[]): PickleDict {
  const dict = new PickleDict();
  if (args.length === 0) return dict;
  const [pairs] = args;
  if (args.length !== 1 || !Array.isArray(pairs)) throw new CheckpointError(`${path}: collections.OrderedDict called with ${describe(args)}.`);
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new CheckpointError(`${path}: collections.OrderedDict item ${describe(pair)} is not a pair.`);
    dict.items.set(pair[0], pair[1]);
  }
  return dict;
}

/** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`. */
function rebuildTensor(path: string, args: readonly unknown[]): TorchTensorRef {
  const [storage, offset, size, stride] = args;
  if (args.length < 4 || !isStorageRef(storage) || !isCount(offset) || !isCountList(size) || !isCountList(stride) || size.length !== stride.length) {
    throw new CheckpointError(`${path}: _rebuild_tensor_v2 called with ${describe(args)}; expected (storage, offset, size, stride, ...).`);
  }
  return new TorchTensorRef(storage, offset, [...size], [...stride]);
}

/** `_rebuild_parameter(data, requires_grad, backward_hooks)`: the parameter's data tensor is all a checkpoint needs. */
function parameterData(path: string, args: readonly unknown[]): TorchTensorRef {
  const [data] = args;
  if (!(data instanceof TorchTensorRef)) throw new CheckpointError(`${path}: _rebuild_parameter called without a tensor: ${describe(args)}.`);
  return data;
}

function isStorageRef(value: unknown): value is TorchStorageRef {
  return typeof value === 'object' && value !== null && 'key' in value && 'dtype' in value && 'numel' in value;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isCountList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every(isCount);
}

/** Renders a pickle value as short JSON for error messages. */
function describe(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item instanceof PickleDict) return '{dict}';
    if (item instanceof TorchStorageClass) return `torch.${item.name}`;
    if (item instanceof PickleCallable) return item.qualifiedName;
    return item;
  });
  if (text === undefined) return String(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
