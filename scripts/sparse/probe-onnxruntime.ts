/**
 * Checks what onnxruntime-node does with sparse weights, on graphs of one node:
 *   1. SparseToDenseMatMul fed by a sparse initializer (flat and 2-D COO indices), by a sparse
 *      initializer that is also a graph input typed sparse_tensor(float), and by a Constant node
 *      with a sparse_value attribute;
 *   2. MatMul fed by a sparse initializer: the result, and how much resident memory the session
 *      takes against the bytes of the dense and the sparse weight.
 *   npx tsx scripts/sparse/probe-onnxruntime.ts [--dir DIR]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { GraphSession, OrtTensor, onnxruntimeVersion } from '../../models/engine/onnx-session.js';
import { GraphBuilder, MICROSOFT_DOMAIN, ONNX_OPSET } from '../../models/onnx/graph-builder.js';
import { DataType } from '../../models/onnx/onnx-proto.js';
import { ProtoWriter } from '../../models/onnx/protobuf-writer.js';

const { values } = parseArgs({ options: { dir: { type: 'string' } } });
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'sparse-probe-'));
const settings = { threads: 1, graphOptimization: 'all' as const };

/** Builds a [rows, cols] matrix with every `keepEvery`-th entry nonzero, and its COO form. */
function sampleMatrix(rows: number, cols: number, keepEvery: number) {
  const dense = new Float32Array(rows * cols);
  const flat: number[] = [];
  for (let i = 0; i < dense.length; i++) {
    if (i % keepEvery !== 0) continue;
    dense[i] = (i % 17) - 8 || 1;
    flat.push(i);
  }
  const values = Float32Array.from(flat, (i) => dense[i]);
  return { dense, values, flat };
}

// GraphBuilder writes sparse initializers only. A sparse-typed graph input and a Constant with sparse_value
// need two more ONNX fields: TypeProto.sparse_tensor_type (8) and AttributeProto.sparse_tensor (22).
function sparseTensorProto(name: string, dims: number[], values: Float32Array, indices: number[], indexDims: number[]): ProtoWriter {
  const tensor = (tensorName: string, type: number, tensorDims: number[], raw: ArrayBufferView) =>
    new ProtoWriter().packedInts(1, tensorDims).int(2, type).string(8, tensorName).bytes(9, new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
  return new ProtoWriter()
    .message(1, tensor(name, DataType.FLOAT, [values.length], values))
    .message(2, tensor(`${name}.indices`, DataType.INT64, indexDims, BigInt64Array.from(indices, BigInt)))
    .packedInts(3, dims);
}

function valueInfo(name: string, dims: number[], sparse: boolean): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of dims) shape.message(1, new ProtoWriter().int(1, dim));
  const type = new ProtoWriter().message(sparse ? 8 : 1, new ProtoWriter().int(1, DataType.FLOAT).message(2, shape));
  return new ProtoWriter().string(1, name).message(2, type);
}

type SparseSource = 'sparse initializer' | 'sparse initializer typed as a sparse graph input' | 'Constant sparse_value';

function handWrittenModel(source: SparseSource, indices: 'flat' | '2-D', rows: number, cols: number): Uint8Array {
  const { values, flat } = sampleMatrix(rows, cols, 3);
  const sparse =
    indices === 'flat'
      ? sparseTensorProto('a', [rows, cols], values, flat, [flat.length])
      : sparseTensorProto('a', [rows, cols], values, flat.flatMap((i) => [Math.floor(i / cols), i % cols]), [flat.length, 2]);
  const graph = new ProtoWriter();
  if (source === 'Constant sparse_value') {
    const attribute = new ProtoWriter().string(1, 'sparse_value').message(22, sparse).int(20, 11);
    graph.message(1, new ProtoWriter().string(2, 'a').string(3, 'constant').string(4, 'Constant').message(5, attribute));
  }
  graph.message(1, new ProtoWriter().string(1, 'a').string(1, 'x').string(2, 'y').string(3, 'matmul').string(4, 'SparseToDenseMatMul').string(7, MICROSOFT_DOMAIN));
  graph.string(2, 'probe');
  graph.message(11, valueInfo('x', [cols, 2], false));
  if (source === 'sparse initializer typed as a sparse graph input') graph.message(11, valueInfo('a', [rows, cols], true));
  graph.message(12, valueInfo('y', [rows, 2], false));
  if (source !== 'Constant sparse_value') graph.message(15, sparse);
  return new ProtoWriter()
    .int(1, 8)
    .string(2, 'sparse-probe')
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').int(2, ONNX_OPSET))
    .message(8, new ProtoWriter().string(1, MICROSOFT_DOMAIN).int(2, 1))
    .finish();
}

/** Writes a one-node graph with GraphBuilder, as the engine writes its graphs (flat COO indices, external data). */
function builtModel(name: string, op: 'SparseToDenseMatMul' | 'MatMul', rows: number, cols: number, keepEvery = 3): string {
  const path = join(dir, `${name}.onnx`);
  const { values, flat } = sampleMatrix(rows, cols, keepEvery);
  const g = new GraphBuilder(name, path);
  // MatMul computes x[2, rows] · a[rows, cols], and SparseToDenseMatMul computes a[rows, cols] · x[cols, 2].
  const x = g.input('x', DataType.FLOAT, op === 'MatMul' ? [2, rows] : [cols, 2]);
  const a = g.sparseWeight('a', [rows, cols], values, BigInt64Array.from(flat, BigInt));
  const y = op === 'MatMul' ? g.op('MatMul', [x, a]) : g.op('SparseToDenseMatMul', [a, x], {}, { domain: MICROSOFT_DOMAIN });
  g.output(y, 'y', DataType.FLOAT, op === 'MatMul' ? [2, cols] : [rows, 2]);
  g.save();
  return path;
}

async function tryOpen(label: string, path: string): Promise<void> {
  try {
    const session = await GraphSession.open(path, settings);
    process.stdout.write(`${label}: loads\n`);
    await session.release();
  } catch (error) {
    process.stdout.write(`${label}: rejected: ${(error as Error).message.replace(/\s+/g, ' ').slice(0, 400)}\n`);
  }
}

process.stdout.write(`onnxruntime-node ${onnxruntimeVersion()}, graphs in ${dir}\n`);
await tryOpen('SparseToDenseMatMul on a GraphBuilder sparse initializer', builtModel('graph-builder', 'SparseToDenseMatMul', 4, 6));
for (const source of ['sparse initializer', 'sparse initializer typed as a sparse graph input', 'Constant sparse_value'] as const) {
  for (const indices of ['flat', '2-D'] as const) {
    const path = join(dir, `${source.replace(/\W+/g, '-')}-${indices}.onnx`);
    writeFileSync(path, handWrittenModel(source, indices, 4, 6));
    await tryOpen(`SparseToDenseMatMul on a ${source}, ${indices} indices`, path);
  }
}

const [rows, cols, keepEvery] = [4096, 4096, 20];
const path = builtModel('matmul-large', 'MatMul', rows, cols, keepEvery);
const before = process.memoryUsage().rss;
const session = await GraphSession.open(path, settings);
const grown = process.memoryUsage().rss - before;
const x = Float32Array.from({ length: 2 * rows }, (_, i) => (i % 5) - 2);
const y = (await session.run({ x: new OrtTensor('float32', x, [2, rows]) })).y.data as Float32Array;
const { dense } = sampleMatrix(rows, cols, keepEvery);
let worst = 0;
for (let r = 0; r < 2; r++) {
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    for (let k = 0; k < rows; k++) sum += x[r * rows + k] * dense[k * cols + c];
    worst = Math.max(worst, Math.abs(sum - y[r * cols + c]));
  }
}
await session.release();
const nonzeros = Math.ceil((rows * cols) / keepEvery);
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
process.stdout.write(
  `MatMul on a ${rows}×${cols} sparse initializer (${nonzeros} nonzeros): max |error| ${worst}; ` +
    `session load grew resident memory by ${mb(grown)} MB, against ${mb(rows * cols * 4)} MB dense and ${mb(nonzeros * 12)} MB as COO\n`,
);
if (!values.dir) rmSync(dir, { recursive: true, force: true });
