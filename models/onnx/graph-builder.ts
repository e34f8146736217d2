/**
 * Builds one ONNX graph node by node. Weights go to an external data file as they are added;
 * small constants (shapes, scales) stay inside the protobuf.
 */
import { writeFileSync } from 'node:fs';

import { ExternalDataWriter } from './external-data.js';
import { DataType, encodeModel, type AttributeValue, type DataTypeCode, type Dim, type NodeData, type SparseTensorData, type TensorData, type ValueInfoData } from './onnx-proto.js';

/** Standard opset of every graph: 17 has LayerNormalization and keeps reduce axes as attributes. */
export const ONNX_OPSET = 17;
/** onnxruntime's contrib operators (MatMulNBits, DynamicQuantizeMatMul, ...). */
export const MICROSOFT_DOMAIN = 'com.microsoft';

/** Weights smaller than this stay inside the protobuf; external data is for the big matrices. */
const INLINE_LIMIT_BYTES = 1024;

export type AttributeInput = number | string | readonly number[] | AttributeValue;

function toAttribute(value: AttributeInput): AttributeValue {
  if (typeof value === 'number') return Number.isInteger(value) ? { kind: 'int', value } : { kind: 'float', value };
  if (typeof value === 'string') return { kind: 'string', value };
  if (Array.isArray(value)) return { kind: 'ints', value: value as readonly number[] };
  return value as AttributeValue;
}

/** Marks an attribute as float even when its value is a whole number (e.g. epsilon 1, alpha 1.0). */
export function floatAttribute(value: number): AttributeValue {
  return { kind: 'float', value };
}

function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export interface OpOptions {
  domain?: string;
  /** Number of outputs; defaults to 1. */
  outputs?: number;
  /** Names to give the outputs instead of generated ones (graph outputs use this). */
  outputNames?: string[];
}

export class GraphBuilder {
  private readonly nodes: NodeData[] = [];
  private readonly initializers: TensorData[] = [];
  private readonly sparseInitializers: SparseTensorData[] = [];
  private readonly inputs: ValueInfoData[] = [];
  private readonly outputs: ValueInfoData[] = [];
  private readonly usedNames = new Set<string>();
  private readonly constants = new Map<string, string>();
  private readonly data: ExternalDataWriter;
  private scope: string[] = [];

  constructor(
    readonly name: string,
    readonly modelPath: string,
  ) {
    this.data = new ExternalDataWriter(`${modelPath}.data`);
  }

  /** Runs `body` with names prefixed by `part`, so node names read like weight names (`layers.3.attn.q`). */
  within<T>(part: string, body: () => T): T {
    this.scope.push(part);
    try {
      return body();
    } finally {
      this.scope.pop();
    }
  }

  private uniqueName(base: string): string {
    const prefix = this.scope.length > 0 ? `${this.scope.join('.')}.` : '';
    let name = `${prefix}${base}`;
    for (let i = 1; this.usedNames.has(name); i++) name = `${prefix}${base}_${i}`;
    this.usedNames.add(name);
    return name;
  }

  input(name: string, dataType: DataTypeCode, dims: readonly Dim[]): string {
    this.usedNames.add(name);
    this.inputs.push({ name, dataType, dims });
    return name;
  }

  /** Declares `value` a graph output under `name`, inserting an Identity when the names differ. */
  output(value: string, name: string, dataType: DataTypeCode, dims: readonly Dim[]): void {
    if (value !== name) this.op('Identity', [value], {}, { outputNames: [name] });
    this.outputs.push({ name, dataType, dims });
  }

  /** Adds an initializer; large ones are written to the external data file immediately. */
  tensor(base: string, dataType: DataTypeCode, dims: readonly number[], data: ArrayBufferView): string {
    const name = this.uniqueName(base);
    const raw = bytesOf(data);
    if (raw.byteLength > INLINE_LIMIT_BYTES) {
      this.initializers.push({ name, dataType, dims, external: this.data.append(raw) });
    } else {
      this.initializers.push({ name, dataType, dims, raw: raw.slice() });
    }
    return name;
  }

  weight(base: string, dims: readonly number[], data: Float32Array): string {
    return this.tensor(base, DataType.FLOAT, dims, data);
  }

  /** Adds a sparse fp32 initializer in COO form with flat int64 indices (onnxruntime's sparse MatMul input). */
  sparseWeight(base: string, dims: readonly number[], values: Float32Array, flatIndices: BigInt64Array): string {
    const name = this.uniqueName(base);
    const valuesTensor: TensorData = { name, dataType: DataType.FLOAT, dims: [values.length], external: this.data.append(bytesOf(values)) };
    const indicesTensor: TensorData = { name: `${name}.indices`, dataType: DataType.INT64, dims: [flatIndices.length], external: this.data.append(bytesOf(flatIndices)) };
    this.sparseInitializers.push({ values: valuesTensor, indices: indicesTensor, dims });
    return name;
  }

  /** A shared scalar or vector constant, deduplicated by value. */
  constInt64(values: readonly number[], asScalar = false): string {
    const key = `i64:${asScalar ? 's' : 'v'}:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.tensor(`const_i64`, DataType.INT64, asScalar ? [] : [values.length], BigInt64Array.from(values.map(BigInt)));
    this.constants.set(key, name);
    return name;
  }

  constFloat(value: number): string {
    const key = `f32:${value}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.tensor(`const_f32`, DataType.FLOAT, [], Float32Array.of(value));
    this.constants.set(key, name);
    return name;
  }

  /** Appends a node; returns its output name (or names when `outputs` > 1). */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeInput> = {}, options: OpOptions = {}): string {
    return this.opMulti(opType, inputs, attributes, options)[0];
  }

  opMulti(opType: string, inputs: readonly string[], attributes: Record<string, AttributeInput> = {}, options: OpOptions = {}): string[] {
    const nodeName = this.uniqueName(opType);
    const count = options.outputNames?.length ?? options.outputs ?? 1;
    const outputs = options.outputNames ?? Array.from({ length: count }, (_, i) => (count === 1 ? nodeName : `${nodeName}:${i}`));
    for (const output of options.outputNames ?? []) this.usedNames.add(output);
    const converted: Record<string, AttributeValue> = {};
    for (const [key, value] of Object.entries(attributes)) converted[key] = toAttribute(value);
    this.nodes.push({ opType, domain: options.domain ?? '', name: nodeName, inputs, outputs, attributes: converted });
    return outputs;
  }

  /** Writes the .onnx file (and closes its .data file); returns the bytes written in both. */
  save(metadata: Record<string, string> = {}): number {
    this.data.close();
    const usesContrib = this.nodes.some((node) => node.domain === MICROSOFT_DOMAIN);
    const opsets = [{ domain: '', version: ONNX_OPSET }, ...(usesContrib ? [{ domain: MICROSOFT_DOMAIN, version: 1 }] : [])];
    const bytes = encodeModel({
      graph: { name: this.name, nodes: this.nodes, initializers: this.initializers, sparseInitializers: this.sparseInitializers, inputs: this.inputs, outputs: this.outputs },
      opsets,
      producerName: 'blip-bench',
      producerVersion: '1',
      metadata,
    });
    writeFileSync(this.modelPath, bytes);
    return bytes.byteLength + this.data.bytesWritten;
  }
}
