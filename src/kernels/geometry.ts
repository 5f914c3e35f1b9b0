/**
 * Convolution geometry, computed once and shared by the reference kernels, the WASM wrappers and
 * the tfjs kernel registrations (tfjs's `computeConv2DInfo` pattern). Padding follows TensorFlow:
 * 'same' gives out = ceil(in / stride) with the odd pixel of padding at the bottom/right,
 * 'valid' gives out = ceil((in − effectiveK + 1) / stride), explicit padding is
 * [[top, bottom], [left, right]] or one number for all four sides.
 */
export type Padding = 'same' | 'valid' | number | readonly [readonly [number, number], readonly [number, number]];

export interface Conv2DOptions {
  /** [strideH, strideW] or one number (default 1). */
  strides?: number | readonly [number, number];
  padding?: Padding;
  /** [dilationH, dilationW] or one number (default 1). */
  dilations?: number | readonly [number, number];
}

export interface Conv2DGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly filterH: number;
  readonly filterW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly dilationH: number;
  readonly dilationW: number;
}

/** The order of the i32 fields of the geometry struct that assembly/conv2d.ts reads. */
export const GEOMETRY_FIELDS = [
  'batch', 'inH', 'inW', 'inC', 'outH', 'outW', 'outC', 'filterH', 'filterW',
  'strideH', 'strideW', 'padTop', 'padLeft', 'dilationH', 'dilationW',
] as const satisfies readonly (keyof Conv2DGeometry)[];

function pair(op: string, value: number | readonly [number, number] | undefined, name: string): [number, number] {
  const [a, b] = value === undefined ? [1, 1] : typeof value === 'number' ? [value, value] : value;
  for (const v of [a, b]) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${op}: ${name} must be positive integers, got ${JSON.stringify(value)}`);
    }
  }
  return [a, b];
}

function positiveShape(op: string, shape: readonly number[], rank: number, name: string, layout: string): void {
  if (shape.length !== rank || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(
      `${op}: ${name} shape must be ${rank} positive integers (${layout}), got [${shape.join(', ')}]`,
    );
  }
}

export function conv2dGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  options: Conv2DOptions = {},
): Conv2DGeometry {
  const op = 'conv2d';
  positiveShape(op, xShape, 4, 'input', 'NHWC: batch, height, width, channels');
  positiveShape(op, filterShape, 4, 'filter', 'HWIO: height, width, in channels, out channels');
  const [filterH, filterW, filterIn, outC] = filterShape as [number, number, number, number];
  if (filterIn !== xShape[3]) {
    throw new RangeError(`${op}: the filter takes ${filterIn} input channels but the input has ${xShape[3]}`);
  }
  return spatialGeometry(op, xShape, filterH, filterW, outC, options);
}

/**
 * Depthwise convolution geometry: filter [kh, kw, inC, channelMultiplier] (tfjs's layout), output
 * channel co = ci·multiplier + m, so the shared struct holds outC = inC·multiplier (the kernels
 * recover the multiplier as outC / inC). Same padding, stride and dilation rules as conv2d.
 */
export function depthwiseConv2dGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  options: Conv2DOptions = {},
): Conv2DGeometry {
  const op = 'depthwiseConv2d';
  positiveShape(op, xShape, 4, 'input', 'NHWC: batch, height, width, channels');
  positiveShape(op, filterShape, 4, 'filter', 'height, width, in channels, channel multiplier');
  const [filterH, filterW, filterIn, multiplier] = filterShape as [number, number, number, number];
  if (filterIn !== xShape[3]) {
    throw new RangeError(`${op}: the filter takes ${filterIn} input channels but the input has ${xShape[3]}`);
  }
  return spatialGeometry(op, xShape, filterH, filterW, filterIn * multiplier, options);
}

/**
 * Checks a geometry handed to a kernel (it may be built by hand rather than by `builder`): an
 * object whose fields are integers >= `min`, the pads >= 0.
 */
export function checkGeometry(op: string, g: Conv2DGeometry, builder: string, min = 1): Conv2DGeometry {
  if (typeof g !== 'object' || g === null) {
    throw new TypeError(`${op}: geometry must be an object from ${builder}(), got ${String(g)}`);
  }
  for (const name of GEOMETRY_FIELDS) {
    const v = g[name];
    const least = name === 'padTop' || name === 'padLeft' ? 0 : min;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < least) {
      throw new RangeError(
        `${op}: geometry.${name} must be an integer >= ${least}, got ${String(v)}; build the geometry with ${builder}()`,
      );
    }
  }
  return g;
}

/**
 * Checks a geometry handed to a depthwise kernel (it may be built by hand rather than by
 * depthwiseConv2dGeometry) and returns its channel multiplier outC / inC.
 */
export function depthwiseMultiplier(op: string, g: Conv2DGeometry): number {
  checkGeometry(op, g, 'depthwiseConv2dGeometry');
  if (g.outC % g.inC !== 0) {
    throw new RangeError(
      `${op}: geometry.outC (${g.outC}) must be inC (${g.inC}) × the channel multiplier; build it with depthwiseConv2dGeometry()`,
    );
  }
  return g.outC / g.inC;
}

function spatialGeometry(
  op: string,
  xShape: readonly number[],
  filterH: number,
  filterW: number,
  outC: number,
  options: Conv2DOptions,
): Conv2DGeometry {
  const [batch, inH, inW, inC] = xShape as [number, number, number, number];
  const [strideH, strideW] = pair(op, options.strides, 'strides');
  const [dilationH, dilationW] = pair(op, options.dilations, 'dilations');
  const effH = (filterH - 1) * dilationH + 1;
  const effW = (filterW - 1) * dilationW + 1;
  const padding = options.padding ?? 'valid';
  let outH: number, outW: number, padTop: number, padLeft: number;
  if (padding === 'same') {
    outH = Math.ceil(inH / strideH);
    outW = Math.ceil(inW / strideW);
    padTop = Math.floor(Math.max(0, (outH - 1) * strideH + effH - inH) / 2);
    padLeft = Math.floor(Math.max(0, (outW - 1) * strideW + effW - inW) / 2);
  } else if (padding === 'valid') {
    outH = Math.ceil((inH - effH + 1) / strideH);
    outW = Math.ceil((inW - effW + 1) / strideW);
    padTop = 0;
    padLeft = 0;
  } else {
    const [[top, bottom], [left, right]] =
      typeof padding === 'number' ? [[padding, padding], [padding, padding]] : padding;
    for (const p of [top, bottom, left, right]) {
      if (!Number.isInteger(p) || p < 0) {
        throw new RangeError(`${op}: explicit padding must be non-negative integers, got ${JSON.stringify(padding)}`);
      }
    }
    outH = Math.floor((inH + top + bottom - effH) / strideH) + 1;
    outW = Math.floor((inW + left + right - effW) / strideW) + 1;
    padTop = top;
    padLeft = left;
  }
  if (!(outH >= 1 && outW >= 1)) {
    throw new RangeError(
      `${op}: a ${effH}×${effW} (dilated) filter does not fit a ${inH}×${inW} input with padding ` +
        `${JSON.stringify(padding)}; use 'same' padding or a smaller filter`,
    );
  }
  return Object.freeze({
    batch, inH, inW, inC, outH, outW, outC, filterH, filterW,
    strideH, strideW, padTop, padLeft, dilationH, dilationW,
  });
}

export const inputSize = (g: Conv2DGeometry): number => g.batch * g.inH * g.inW * g.inC;
export const outputSize = (g: Conv2DGeometry): number => g.batch * g.outH * g.outW * g.outC;
export const filterSize = (g: Conv2DGeometry): number => g.filterH * g.filterW * g.inC * g.outC;
/** Elements of a depthwise filter [kh, kw, inC, multiplier] (outC = inC·multiplier). */
export const depthwiseFilterSize = (g: Conv2DGeometry): number => g.filterH * g.filterW * g.outC;
/** Multiply-adds of the forward pass (each gradient costs the same). */
export const conv2dMacs = (g: Conv2DGeometry): number =>
  g.batch * g.outH * g.outW * g.outC * g.filterH * g.filterW * g.inC;
/** Multiply-adds of the depthwise forward pass (each gradient costs the same). */
export const depthwiseConv2dMacs = (g: Conv2DGeometry): number =>
  g.batch * g.outH * g.outW * g.outC * g.filterH * g.filterW;
