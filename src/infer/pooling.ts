/**
 * Max and average pooling on the WebAssembly kernel (assembly/pool.ts: TensorFlow's 'same' /
 * 'valid' windows, the extra padded pixel at the bottom and right, an average counting only the
 * pixels inside the image), and the global poolings as loops over NHWC.
 */
import { conv2dGeometry } from '../kernels/geometry.ts';
import { putGeometry } from '../kernels/wasm/call.ts';
import { configPair, requireChannelsLast, view, windowPadding, type OpBuilder } from './op.ts';

function pool(kind: 'max' | 'average'): OpBuilder {
  return (layer, [inShape]) => {
    requireChannelsLast(layer);
    const [h, w, c] = inShape as [number, number, number];
    const window = configPair(layer.config['pool_size'], 2);
    const strides = configPair(layer.config['strides'] ?? layer.config['pool_size'], 2);
    const padding = windowPadding(layer.config['padding'] ?? 'valid', layer.name);
    // The window geometry is a convolution's with the window as its filter.
    const sample = conv2dGeometry([1, h, w, c], [window[0], window[1], c, c], { strides, padding });
    return {
      outShape: [sample.outH, sample.outW, c],
      place(p) {
        const gp = putGeometry(p.k, conv2dGeometry([p.batch, h, w, c], [window[0], window[1], c, c], { strides, padding }));
        const x = p.inputs[0]!.ptr;
        const average = kind === 'average' ? 1 : 0;
        return () => p.k.exports.pool2d_f32(gp, x, p.output, average);
      },
    };
  };
}

function globalPool(kind: 'max' | 'average'): OpBuilder {
  return (layer, [inShape]) => {
    requireChannelsLast(layer);
    const [h, w, c] = inShape as [number, number, number];
    return {
      outShape: [c],
      place(p) {
        const { k, batch } = p;
        const x = p.inputs[0]!.ptr;
        const pixels = h * w;
        return () => {
          const xs = view(k, x, batch * pixels * c);
          const ys = view(k, p.output, batch * c);
          for (let b = 0; b < batch; b++) {
            for (let ch = 0; ch < c; ch++) ys[b * c + ch] = kind === 'max' ? -Infinity : 0;
            for (let i = 0; i < pixels; i++) {
              const base = (b * pixels + i) * c;
              for (let ch = 0; ch < c; ch++) {
                const v = xs[base + ch]!;
                if (kind === 'max') ys[b * c + ch] = Math.max(ys[b * c + ch]!, v);
                else ys[b * c + ch] = ys[b * c + ch]! + v;
              }
            }
            if (kind === 'average') for (let ch = 0; ch < c; ch++) ys[b * c + ch] = ys[b * c + ch]! / pixels;
          }
        };
      },
    };
  };
}

export const maxPoolingOp = pool('max');
export const averagePoolingOp = pool('average');
export const globalAveragePoolingOp = globalPool('average');
export const globalMaxPoolingOp = globalPool('max');
