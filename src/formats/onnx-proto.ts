/**
 * ONNX's ModelProto message type, built by protobufjs from the descriptor in onnx-schema.ts, for
 * the exporter's encoder and the runtime's decoder alike.
 *
 * protobufjs is the usual protobuf library of JavaScript (onnxruntime-web itself depends on it),
 * runtime-neutral (Node, Deno, browsers, workers) and needs no code-generation step. Its light
 * build (descriptor in, no .proto parser) is loaded on first use, so importing slimprune costs
 * nothing for those who never read or write ONNX. protobufjs builds its encoders and decoders
 * with `new Function`, so a page whose Content-Security-Policy forbids 'unsafe-eval' cannot use
 * them (run that work in a worker or on a server there).
 */
import { ONNX_SCHEMA } from './onnx-schema.ts';

type ProtobufLight = typeof import('protobufjs/light.js');
export type OnnxMessageType = ReturnType<InstanceType<ProtobufLight['Root']>['lookupType']>;

let modelProto: Promise<OnnxMessageType> | undefined;

/** The ModelProto message type, built from the descriptor once per process. */
export function onnxModelProto(): Promise<OnnxMessageType> {
  modelProto ??= import('protobufjs/light.js').then((module) => {
    // protobufjs is CommonJS: Node and bundlers hand it over as the default export.
    const protobuf = ((module as { default?: ProtobufLight }).default ?? module) as ProtobufLight;
    return protobuf.Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto');
  });
  return modelProto;
}
