// exportOnnx in every runtime (Node, Deno, Chromium): protobufjs loads and encodes there, and the
// bytes are the ModelProto onnx.proto defines, read back by the suite's own wire-format reader by
// onnx.proto's field numbers: the IR version and opset, the NHWC input with its symbolic batch,
// one Transpose to NCHW, the convolutions (the depthwise one grouped per channel), the Add and the
// channel Concat, initializers whose raw data fit their dimensions. That the numbers agree with
// tfjs is test/node/onnx-export.test.ts (onnxruntime-node) and onnx-web.test.ts (-web).
import { suite, assert, assertDeepEqual, assertEqual, assertRejects } from '../harness.ts';
import { useTfjsBackend } from '../tfjs.ts';
import { exportOnnx, fuseBatchNorm } from 'slimprune/internal';
import * as tfl from '@tensorflow/tfjs-layers';
import { ownModel } from './own-data-fixtures.ts';
import { Message } from './protobuf-wire.ts';

// onnx.proto's field numbers.
const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 } as const;
const OPSET = { domain: 1, version: 2 } as const;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12 } as const;
const NODE = { input: 1, output: 2, opType: 4, attribute: 5 } as const;
const ATTRIBUTE = { name: 1, i: 3, ints: 8, type: 20 } as const;
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 } as const;
const VALUE_INFO = { name: 1, type: 2 } as const;

function attribute(node: Message, name: string): Message | undefined {
  return node.messages(NODE.attribute).find((a) => a.string(ATTRIBUTE.name) === name);
}

/** A graph input's or output's element type and dimensions (a string for a symbolic one). */
function tensorType(info: Message): { elemType: number | undefined; dims: (number | string)[] } {
  const tensor = info.message(VALUE_INFO.type)!.message(1)!;
  const dims = tensor.message(2)!.messages(1).map((d) => d.string(2) ?? d.int(1)!);
  return { elemType: tensor.int(1), dims };
}

export const onnxExportSuite = suite('ONNX export', (test) => {
  test('the bytes are an ONNX ModelProto: opset 13, NHWC input, NCHW inside, the layers as nodes', async () => {
    await useTfjsBackend('cpu');
    const model = ownModel(3);
    const { model: deployed } = await fuseBatchNorm(model);
    const bytes = await exportOnnx(deployed);
    assert(bytes instanceof Uint8Array && bytes.constructor === Uint8Array, 'exportOnnx returns a plain Uint8Array');
    const m = new Message(bytes);
    assertEqual(m.int(MODEL.irVersion), 7, 'ir_version');
    assertEqual(m.string(MODEL.producerName), 'slimprune', 'producer_name');
    const opsets = m.messages(MODEL.opsetImport).map((o) => [o.string(OPSET.domain) ?? '', o.int(OPSET.version)]);
    assertDeepEqual(opsets, [['', 13]], 'opset_import');

    const graph = m.message(MODEL.graph)!;
    const inputs = graph.messages(GRAPH.input);
    assertDeepEqual(inputs.map((i) => i.string(VALUE_INFO.name)), ['image'], 'graph inputs');
    assertDeepEqual(tensorType(inputs[0]!), { elemType: 1, dims: ['N', 16, 16, 3] }, 'input: float, NHWC with a symbolic batch');
    const outputs = graph.messages(GRAPH.output);
    assertDeepEqual(outputs.map((o) => [o.string(VALUE_INFO.name), tensorType(o).dims]), [['logits', ['N', 3]]], 'graph outputs');

    const nodes = graph.messages(GRAPH.node);
    const ops = nodes.map((n) => n.string(NODE.opType));
    assertEqual(ops[0], 'Transpose', 'first node');
    assertDeepEqual(attribute(nodes[0]!, 'perm')?.ints(ATTRIBUTE.ints), [0, 3, 1, 2], 'NHWC → NCHW');
    assertDeepEqual(nodes[0]!.strings(NODE.input), ['image'], 'the transpose reads the input');
    assertEqual(ops.filter((o) => o === 'Transpose').length, 1, 'transposes (the network stays NCHW until its global pooling)');
    const convs = nodes.filter((n) => n.string(NODE.opType) === 'Conv');
    assertEqual(convs.length, 5, 'Conv nodes (stem, depthwise, project, left, right)');
    const groups = convs.map((n) => attribute(n, 'group')?.int(ATTRIBUTE.i));
    assertDeepEqual(groups, [1, 8, 1, 1, 1], 'groups: the depthwise conv has one per channel');
    assertEqual(attribute(convs[0]!, 'group')!.int(ATTRIBUTE.type), 2, 'attribute type INT');
    assertDeepEqual(attribute(convs[0]!, 'pads')?.ints(ATTRIBUTE.ints), [1, 1, 1, 1], "3×3 'same' pads");
    for (const op of ['Add', 'Concat', 'MaxPool', 'GlobalAveragePool', 'Gemm', 'Softmax']) assert(ops.includes(op), `a ${op} node (ops: ${ops.join(', ')})`);
    assertEqual(attribute(nodes.find((n) => n.string(NODE.opType) === 'Concat')!, 'axis')?.int(ATTRIBUTE.i), 1, 'the channel Concat on NCHW axis 1');

    const produced = new Set(nodes.flatMap((n) => n.strings(NODE.output)));
    const initializers = graph.messages(GRAPH.initializer);
    const known = new Set([...produced, 'image', ...initializers.map((t) => t.string(TENSOR.name)!)]);
    for (const n of nodes) for (const i of n.strings(NODE.input)) assert(known.has(i), `node ${n.string(NODE.opType)} reads '${i}', which nothing defines`);
    for (const t of initializers) {
      const count = t.ints(TENSOR.dims).reduce((a, b) => a * b, 1);
      assertEqual(t.int(TENSOR.dataType), 1, `${t.string(TENSOR.name)}: FLOAT`);
      assertEqual(t.bytes(TENSOR.rawData)?.length, 4 * count, `${t.string(TENSOR.name)}: raw_data bytes for dims ${t.ints(TENSOR.dims).join('×')}`);
    }
    assertEqual(
      initializers.reduce((n, t) => n + t.ints(TENSOR.dims).reduce((a, b) => a * b, 1), 0), deployed.countParams(),
      'initializer values = the deployed model\'s parameters',
    );
    const again = await exportOnnx(deployed);
    assertDeepEqual(Array.from(again), Array.from(bytes), 'a second export: the same bytes');
    [model, deployed].forEach((x) => x.dispose());
  });

  test('a layer it cannot write is refused with its name and class', async () => {
    await useTfjsBackend('cpu');
    const model = tfl.sequential({ name: 'reshaping', layers: [tfl.layers.reshape({ name: 'to_rows', inputShape: [4, 4, 1], targetShape: [16] })] });
    await assertRejects(() => exportOnnx(model), /model 'reshaping' has layers that exportOnnx cannot write: 'to_rows' \(Reshape\)/, 'exportOnnx');
    model.dispose();
  });
});
