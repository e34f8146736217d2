import { CheckpointError } from './errors.js';
import { DTYPE_SIZE, elementCount, isSafetensorsDtype, type SafetensorsDtype } from './dtypes.js';

/** One tensor's entry in a safetensors header, with offsets relative to the start of the data section. */
export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

export interface ParsedHeader {
  metadata: Record<string, string>;
  entries: Map<string, HeaderEntry>;
}

/** Python safetensors 0.8 rejects headers over 100,000,000 bytes, so a larger length means a foreign or corrupt file. */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Parses a safetensors JSON header and validates it against the size of the data section after it.
 * It checks for known dtypes, non-negative integer shapes and offsets inside the data section. Each
 * byte length must equal element count times dtype size, and no two tensors may share bytes.
 */
export function parseHeader(file: string, headerText: string, dataBytes: number): ParsedHeader {
  let json: unknown;
  try {
    json = JSON.parse(headerText);
  } catch (error) {
    throw new CheckpointError(`${file}: the safetensors header is not valid JSON (${(error as Error).message}); the file is corrupt or not a safetensors file.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CheckpointError(`${file}: the safetensors header must be a JSON object mapping tensor names to entries.`);
  }

  const metadata: Record<string, string> = {};
  const entries = new Map<string, HeaderEntry>();
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      Object.assign(metadata, parseMetadata(file, value));
      continue;
    }
    entries.set(name, parseEntry(file, name, value, dataBytes));
  }
  assertNoOverlap(file, [...entries.values()]);
  return { metadata, entries };
}

function parseMetadata(file: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CheckpointError(`${file}: __metadata__ must be an object of string values.`);
  }
  const metadata: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== 'string') throw new CheckpointError(`${file}: __metadata__.${key} is ${JSON.stringify(item)}; metadata values must be strings.`);
    metadata[key] = item;
  }
  return metadata;
}

function parseEntry(file: string, name: string, value: unknown, dataBytes: number): HeaderEntry {
  const where = `${file}: tensor "${name}"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CheckpointError(`${where} has no entry object; expected {"dtype", "shape", "data_offsets"}.`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (!isSafetensorsDtype(dtype)) {
    throw new CheckpointError(`${where} has dtype ${JSON.stringify(dtype)}; supported dtypes are ${Object.keys(DTYPE_SIZE).join(', ')}.`);
  }
  if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
    throw new CheckpointError(`${where} has shape ${JSON.stringify(shape)}; expected an array of non-negative integers.`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((offset) => Number.isSafeInteger(offset) && offset >= 0)) {
    throw new CheckpointError(`${where} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] as non-negative integers.`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataBytes) {
    throw new CheckpointError(
      `${where} has data_offsets [${begin}, ${end}] outside the data section of ${dataBytes} bytes; the file is truncated or its header is corrupt.`,
    );
  }
  const expected = elementCount(shape) * DTYPE_SIZE[dtype];
  if (end - begin !== expected) {
    throw new CheckpointError(
      `${where} spans ${end - begin} bytes, but shape [${shape.join(', ')}] of ${dtype} needs ${expected} bytes.`,
    );
  }
  return { name, dtype, shape: [...shape], begin, end };
}

function assertNoOverlap(file: string, entries: HeaderEntry[]): void {
  const sorted = entries.filter((entry) => entry.end > entry.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (current.begin < previous.end) {
      throw new CheckpointError(
        `${file}: tensors "${previous.name}" [${previous.begin}, ${previous.end}] and "${current.name}" [${current.begin}, ${current.end}] overlap in the data section.`,
      );
    }
  }
}
