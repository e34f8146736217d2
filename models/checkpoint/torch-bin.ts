import { CheckpointError } from './errors.js';
import { DTYPE_SIZE, assertLittleEndianHost, elementCount } from './dtypes.js';
import { readWholeFile } from './file-bytes.js';
import { PickleDict, unpickle } from './pickle.js';
import { gatherContiguous, isContiguous, maxElementIndex } from './strided.js';
import { bytesToFloat32, type TensorInfo, type TensorSource } from './tensor-source.js';
import { TorchTensorRef, torchPickleHooks } from './torch-pickle.js';
import { ZipArchive } from './zip.js';

/**
 * A `pytorch_model.bin` written by torch.save (torch 1.6 and later: a zip of `<prefix>/data.pkl` and
 * `<prefix>/data/<key>` storage files), read without running pickle code. The archive is read into
 * memory once; contiguous tensors are views of it, strided ones are copied into row-major order.
 * Nested dicts are flattened with dots; non-tensor values (numbers, strings) are listed in `skipped`.
 */
export class TorchBinFile implements TensorSource {
  readonly path: string;
  /** Keys whose values were not tensors, so have no tensor data. */
  readonly skipped: string[];
  private readonly archive: ZipArchive;
  private readonly prefix: string;
  private readonly tensors: Map<string, TorchTensorRef>;

  private constructor(path: string, archive: ZipArchive, prefix: string, tensors: Map<string, TorchTensorRef>, skipped: string[]) {
    this.path = path;
    this.archive = archive;
    this.prefix = prefix;
    this.tensors = tensors;
    this.skipped = skipped;
  }

  /** Reads and validates a torch.save archive; throws CheckpointError naming the file, and the global for an unsafe pickle. */
  static open(path: string): TorchBinFile {
    assertLittleEndianHost();
    const bytes = readWholeFile(path);
    if (bytes.byteLength === 0) throw new CheckpointError(`${path}: file is empty; expected a torch.save zip archive.`);
    rejectLegacyFormat(path, bytes);
    const archive = new ZipArchive(path, bytes);
    const prefix = findPrefix(path, archive);
    checkByteOrder(path, archive, prefix);

    const root = unpickle(path, archive.read(`${prefix}data.pkl`), torchPickleHooks(path));
    if (!(root instanceof PickleDict)) throw new CheckpointError(`${path}: data.pkl contains no dict of tensors; expected a state dict.`);
    const tensors = new Map<string, TorchTensorRef>();
    const skipped: string[] = [];
    flatten(path, root, '', tensors, skipped);

    const file = new TorchBinFile(path, archive, prefix, tensors, skipped);
    for (const [name, tensor] of tensors) file.checkBounds(name, tensor);
    return file;
  }

  /** Tensor names in the order of the state dict. */
  names(): string[] {
    return [...this.tensors.keys()];
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    const tensor = this.tensor(name);
    return { name, dtype: tensor.storage.dtype, shape: [...tensor.shape], byteLength: elementCount(tensor.shape) * DTYPE_SIZE[tensor.storage.dtype] };
  }

  /** Float tensors as float32: a view for contiguous, 4-byte aligned F32 data, a new array otherwise. */
  float32(name: string): Float32Array {
    const tensor = this.tensor(name);
    return bytesToFloat32(this.path, name, tensor.storage.dtype, this.bytes(name), elementCount(tensor.shape));
  }

  /** Row-major contiguous bytes: a view of the archive when the tensor is contiguous, a copy otherwise; do not modify it. */
  bytes(name: string): Uint8Array {
    const tensor = this.tensor(name);
    const elementBytes = DTYPE_SIZE[tensor.storage.dtype];
    const storage = this.storageBytes(tensor);
    if (isContiguous(tensor.shape, tensor.stride)) {
      const start = tensor.storageOffset * elementBytes;
      return storage.subarray(start, start + elementCount(tensor.shape) * elementBytes);
    }
    return gatherContiguous(storage, elementBytes, tensor.shape, tensor.stride, tensor.storageOffset);
  }

  private storageBytes(tensor: TorchTensorRef): Uint8Array {
    const entry = `${this.prefix}data/${tensor.storage.key}`;
    if (!this.archive.has(entry)) throw new CheckpointError(`${this.path}: storage file "${entry}" is missing from the archive.`);
    return this.archive.read(entry);
  }

  /** Checks that the storage file has the recorded size and that the tensor's strided window stays inside it. */
  private checkBounds(name: string, tensor: TorchTensorRef): void {
    const { storage } = tensor;
    const elementBytes = DTYPE_SIZE[storage.dtype];
    const bytes = this.storageBytes(tensor);
    if (bytes.byteLength !== storage.numel * elementBytes) {
      throw new CheckpointError(
        `${this.path}: tensor "${name}": storage "${storage.key}" has ${bytes.byteLength} bytes, but ${storage.numel} ${storage.dtype} elements need ${storage.numel * elementBytes}.`,
      );
    }
    const last = maxElementIndex(tensor.shape, tensor.stride, tensor.storageOffset);
    if (last >= storage.numel) {
      throw new CheckpointError(
        `${this.path}: tensor "${name}" (shape [${tensor.shape.join(', ')}], stride [${tensor.stride.join(', ')}], offset ${tensor.storageOffset}) reaches element ${last} of a ${storage.numel}-element storage.`,
      );
    }
  }

  private tensor(name: string): TorchTensorRef {
    const tensor = this.tensors.get(name);
    if (!tensor) throw new CheckpointError(`${this.path}: no tensor named "${name}" (the file has ${this.tensors.size} tensors).`);
    return tensor;
  }
}

/** torch.save before 1.6 wrote a bare pickle stream that starts with a LONG1 magic number. */
function rejectLegacyFormat(path: string, bytes: Uint8Array): void {
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (!isZip && bytes[0] === 0x80 && bytes[2] === 0x8a) {
    throw new CheckpointError(`${path}: this is the legacy torch.save format (before torch 1.6), which is not supported; re-save it with a current torch.`);
  }
  if (!isZip) throw new CheckpointError(`${path}: not a zip archive; expected a pytorch_model.bin written by torch.save.`);
}

/** Finds the archive's top folder with its slash; torch names it after the file (`small.bin` gives `small/`) or `archive/`. */
function findPrefix(path: string, archive: ZipArchive): string {
  const pickles = archive.entries().map((entry) => entry.name).filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) {
    throw new CheckpointError(`${path}: expected exactly one <prefix>/data.pkl in the archive, found ${pickles.length}; this is not a torch.save checkpoint.`);
  }
  return pickles[0].slice(0, -'data.pkl'.length);
}

function checkByteOrder(path: string, archive: ZipArchive, prefix: string): void {
  // Older torch releases wrote no byteorder entry; such archives are read as little-endian, as torch.load does.
  const entry = `${prefix}byteorder`;
  if (!archive.has(entry)) return;
  const order = Buffer.from(archive.read(entry)).toString('utf8').trim();
  if (order !== 'little') throw new CheckpointError(`${path}: byteorder is "${order}"; only little-endian checkpoints are supported.`);
}

function flatten(path: string, dict: PickleDict, prefix: string, tensors: Map<string, TorchTensorRef>, skipped: string[]): void {
  for (const [key, value] of dict.items) {
    if (typeof key !== 'string') throw new CheckpointError(`${path}: state dict key ${String(key)} is not a string.`);
    const name = prefix + key;
    if (value instanceof TorchTensorRef) {
      if (tensors.has(name)) throw new CheckpointError(`${path}: tensor name "${name}" occurs twice after flattening nested dicts.`);
      tensors.set(name, value);
    } else if (value instanceof PickleDict) {
      flatten(path, value, `${name}.`, tensors, skipped);
    } else {
      skipped.push(name);
    }
  }
}
