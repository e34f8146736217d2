/**
 * Encodes ONNX's ModelProto and its parts (field numbers from onnx/onnx.proto, IR version 8).
 * Only what the graph builder emits is covered: dense and sparse tensors, inline or external data,
 * the attribute kinds used by the ops we build, and static or symbolic tensor shapes.
 */
import { ProtoWriter } from './protobuf-writer.js';

/** TensorProto.DataType values. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
} as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

export type Dim = number | string;

export interface TensorData {
  name: string;
  dataType: DataTypeCode;
  dims: readonly number[];
  /** Raw little-endian bytes, stored inside the protobuf. */
  raw?: Uint8Array;
  /** Location of the bytes in the external data file, relative to the model file. */
  external?: { location: string; offset: number; length: number };
}

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'tensor'; value: TensorData };

export interface NodeData {
  opType: string;
  domain: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Record<string, AttributeValue>;
}

export interface ValueInfoData {
  name: string;
  dataType: DataTypeCode;
  dims: readonly Dim[];
}

export interface SparseTensorData {
  values: TensorData;
  indices: TensorData;
  dims: readonly number[];
}

export interface GraphData {
  name: string;
  nodes: readonly NodeData[];
  initializers: readonly TensorData[];
  sparseInitializers: readonly SparseTensorData[];
  inputs: readonly ValueInfoData[];
  outputs: readonly ValueInfoData[];
}

export interface ModelData {
  graph: GraphData;
  opsets: readonly { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  metadata: Record<string, string>;
}

const IR_VERSION = 8;
const DATA_LOCATION_EXTERNAL = 1;
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

function encodeTensor(tensor: TensorData): ProtoWriter {
  const w = new ProtoWriter();
  w.packedInts(1, tensor.dims);
  w.int(2, tensor.dataType);
  w.string(8, tensor.name);
  if (tensor.raw) w.bytes(9, tensor.raw);
  if (tensor.external) {
    const entries: [string, string][] = [
      ['location', tensor.external.location],
      ['offset', String(tensor.external.offset)],
      ['length', String(tensor.external.length)],
    ];
    for (const [key, value] of entries) w.message(13, new ProtoWriter().string(1, key).string(2, value));
    w.int(14, DATA_LOCATION_EXTERNAL);
  }
  return w;
}

function encodeAttribute(name: string, attribute: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  switch (attribute.kind) {
    case 'float':
      w.float(2, attribute.value);
      break;
    case 'int':
      w.int(3, attribute.value);
      break;
    case 'string':
      w.string(4, attribute.value);
      break;
    case 'tensor':
      w.message(5, encodeTensor(attribute.value));
      break;
    case 'floats':
      w.packedFloats(7, attribute.value);
      break;
    case 'ints':
      w.packedInts(8, attribute.value);
      break;
  }
  return w.int(20, ATTRIBUTE_TYPE[attribute.kind]);
}

function encodeNode(node: NodeData): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name).string(4, node.opType);
  for (const [name, attribute] of Object.entries(node.attributes)) w.message(5, encodeAttribute(name, attribute));
  if (node.domain) w.string(7, node.domain);
  return w;
}

function encodeValueInfo(value: ValueInfoData): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of value.dims) {
    shape.message(1, typeof dim === 'number' ? new ProtoWriter().int(1, dim) : new ProtoWriter().string(2, dim));
  }
  const tensorType = new ProtoWriter().int(1, value.dataType).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, value.name).message(2, type);
}

function encodeSparseTensor(sparse: SparseTensorData): ProtoWriter {
  return new ProtoWriter().message(1, encodeTensor(sparse.values)).message(2, encodeTensor(sparse.indices)).packedInts(3, sparse.dims);
}

function encodeGraph(graph: GraphData): ProtoWriter {
  const w = new ProtoWriter();
  for (const node of graph.nodes) w.message(1, encodeNode(node));
  w.string(2, graph.name);
  for (const tensor of graph.initializers) w.message(5, encodeTensor(tensor));
  for (const input of graph.inputs) w.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) w.message(12, encodeValueInfo(output));
  for (const sparse of graph.sparseInitializers) w.message(15, encodeSparseTensor(sparse));
  return w;
}

/** Serializes a model to the bytes of an .onnx file. */
export function encodeModel(model: ModelData): Uint8Array {
  const w = new ProtoWriter().int(1, IR_VERSION).string(2, model.producerName).string(3, model.producerVersion);
  w.message(7, encodeGraph(model.graph));
  for (const opset of model.opsets) w.message(8, new ProtoWriter().string(1, opset.domain).int(2, opset.version));
  for (const [key, value] of Object.entries(model.metadata)) w.message(14, new ProtoWriter().string(1, key).string(2, value));
  return w.finish();
}
