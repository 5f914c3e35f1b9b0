// The ONNX export of a tfjs LayersModel (re-exported by src/index.ts and src/internal.ts).
export { exportOnnx, ONNX_OPSET, type OnnxExportOptions } from './export-onnx.ts';
export { ONNX_LAYER_CLASSES } from './converters.ts';
export { samePadding } from './geometry.ts';
export { encodeOnnxModel, type OnnxModel, type OnnxNode, type OnnxInitializer, type OnnxAttribute } from './model-proto.ts';
