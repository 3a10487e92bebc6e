import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Element types the builder writes. */
export type OnnxDType = 'float32' | 'int64' | 'int32' | 'uint8' | 'bool';

const DTYPE_CODE: Record<OnnxDType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  uint8: onnx.TensorProto.DataType.UINT8,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** A dimension: a fixed size, or a symbolic name such as `'B'` for a dynamic batch. */
export type OnnxDim = number | string;

/** A float attribute (plain numbers are written as INT attributes when they are integers). */
export interface FloatAttr {
  readonly float: number;
}

export type OnnxAttrValue = number | readonly number[] | string | FloatAttr | { readonly floats: readonly number[] };

/** Tensor data for initializers. */
export type OnnxTensorData = Float32Array | BigInt64Array | Int32Array | Uint8Array;

/** Marks a number as a FLOAT attribute: `{ alpha: attrFloat(1) }`. */
export function attrFloat(value: number): FloatAttr {
  return { float: value };
}

/**
 * A small builder of ONNX graphs (standard opset, default 17, IR version 8): declare inputs,
 * outputs and initializers, add nodes, and `build()` the serialized model that ONNX Runtime
 * loads. Names are checked for uniqueness so a wiring mistake fails at build time.
 */
export class OnnxGraphBuilder {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(
    readonly graphName: string,
    readonly opset = 17,
  ) {}

  /** A fresh value name with the given prefix. */
  fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.names.has(name));
    return name;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new RangeError(`ONNX value name "${name}" is defined twice in ${this.graphName}`);
    this.names.add(name);
    return name;
  }

  /** Declares a graph input. */
  input(name: string, dtype: OnnxDType, shape: readonly OnnxDim[]): string {
    this.inputs.push(valueInfo(this.claim(name), dtype, shape));
    return name;
  }

  /** Declares a graph output; `name` must be produced by a node. */
  output(name: string, dtype: OnnxDType, shape: readonly OnnxDim[]): string {
    this.outputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  /** Adds a constant tensor (weights). dims row-major; data length must match. */
  initializer(name: string, dtype: OnnxDType, dims: readonly number[], data: OnnxTensorData): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (data.length !== n) {
      throw new RangeError(`initializer "${name}": ${data.length} values for dims [${dims.join(',')}] (needs ${n})`);
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    this.initializers.push(
      onnx.TensorProto.create({ name: this.claim(name), dataType: DTYPE_CODE[dtype], dims: [...dims], rawData: bytes }),
    );
    return name;
  }

  /** float32 constant with a fresh name. */
  constFloat(data: readonly number[] | Float32Array, dims: readonly number[] = [data.length], prefix = 'const'): string {
    return this.initializer(this.fresh(prefix), 'float32', dims, Float32Array.from(data));
  }

  /** int64 constant with a fresh name (shapes, axes, indices). */
  constInt64(data: readonly number[], dims: readonly number[] = [data.length], prefix = 'const'): string {
    return this.initializer(this.fresh(prefix), 'int64', dims, BigInt64Array.from(data.map((v) => BigInt(v))));
  }

  /**
   * Adds a node. `outputs` is a list of names, or a count of fresh names. Returns the output
   * names. Integer numbers become INT attributes, arrays of integers INTS, strings STRING;
   * use `attrFloat(x)` / `{ floats }` for FLOAT / FLOATS.
   */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[] | number = 1,
    attributes: Record<string, OnnxAttrValue> = {},
  ): string[] {
    const outs =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, () => this.claim(this.fresh(opType.toLowerCase())))
        : outputs.map((o) => this.claim(o));
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        input: [...inputs],
        output: outs,
        name: this.fresh(`${opType}_node`),
        attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
      }),
    );
    return outs;
  }

  /** One-output node, returning its name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, OnnxAttrValue> = {}, output?: string): string {
    return this.node(opType, inputs, output === undefined ? 1 : [output], attributes)[0]!;
  }

  /** Serializes the model. `metadata` lands in `metadata_props`. */
  build(options: { producer?: string; docString?: string; metadata?: Record<string, string> } = {}): Uint8Array {
    for (const o of this.outputs) {
      if (!this.names.has(o.name)) throw new RangeError(`ONNX output "${o.name}" of ${this.graphName} is never produced`);
    }
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: options.producer ?? '@rsd/rfsq onnx-graph-builder',
      producerVersion: '1',
      docString: options.docString ?? '',
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: this.opset })],
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) =>
        onnx.StringStringEntryProto.create({ key, value }),
      ),
      graph: onnx.GraphProto.create({
        name: this.graphName,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
      }),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, dtype: OnnxDType, shape: readonly OnnxDim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: DTYPE_CODE[dtype],
        shape: onnx.TensorShapeProto.create({
          dim: shape.map((d) =>
            typeof d === 'number'
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

function attribute(name: string, v: OnnxAttrValue) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(v) });
  if (typeof v === 'number') {
    return Number.isInteger(v)
      ? onnx.AttributeProto.create({ name, type: T.INT, i: v })
      : onnx.AttributeProto.create({ name, type: T.FLOAT, f: v });
  }
  if ('float' in v) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: v.float });
  if ('floats' in v) return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...v.floats] });
  const arr = v as readonly number[];
  if (!arr.every(Number.isInteger)) throw new RangeError(`attribute "${name}": integer list expected, got [${arr.join(',')}]`);
  return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...arr] });
}
