/**
 * Max and average pooling (windows with TensorFlow's 'same'/'valid' geometry: the extra padded
 * pixel at the bottom and right; an average counts only the pixels inside the image) and the
 * global poolings, as loops over NHWC: they are a few percent of a CNN's time, memory-bound.
 */
import { conv2dGeometry, type Padding } from '../kernels/geometry.ts';
import { configPair, requireChannelsLast, size, view, type OpBuilder } from './op.ts';

function pool(kind: 'max' | 'average'): OpBuilder {
  return (layer, [inShape]) => {
    requireChannelsLast(layer);
    const [h, w, c] = inShape as [number, number, number];
    const [ph, pw] = configPair(layer.config['pool_size'], 2);
    const strides = configPair(layer.config['strides'] ?? layer.config['pool_size'], 2);
    const padding = (layer.config['padding'] ?? 'valid') as Padding;
    // The window geometry is a convolution's with a ph × pw filter.
    const g = conv2dGeometry([1, h, w, c], [ph, pw, c, c], { strides, padding });
    const outShape = [g.outH, g.outW, c];
    return {
      outShape,
      place(p) {
        const { k, batch } = p;
        const x = p.inputs[0]!.ptr;
        return () => {
          const xs = view(k, x, batch * h * w * c);
          const ys = view(k, p.output, batch * size(outShape));
          let o = 0;
          for (let b = 0; b < batch; b++) {
            for (let oy = 0; oy < g.outH; oy++) {
              const y0 = Math.max(0, oy * g.strideH - g.padTop);
              const y1 = Math.min(h, oy * g.strideH - g.padTop + ph);
              for (let ox = 0; ox < g.outW; ox++) {
                const x0 = Math.max(0, ox * g.strideW - g.padLeft);
                const x1 = Math.min(w, ox * g.strideW - g.padLeft + pw);
                for (let ch = 0; ch < c; ch++) {
                  let acc = kind === 'max' ? -Infinity : 0;
                  for (let iy = y0; iy < y1; iy++) {
                    for (let ix = x0; ix < x1; ix++) {
                      const v = xs[((b * h + iy) * w + ix) * c + ch]!;
                      acc = kind === 'max' ? (v > acc ? v : acc) : acc + v;
                    }
                  }
                  ys[o++] = kind === 'max' ? acc : acc / ((y1 - y0) * (x1 - x0));
                }
              }
            }
          }
        };
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
