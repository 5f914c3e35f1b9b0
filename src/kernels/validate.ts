/**
 * Argument checks shared by every kernel spec (src/kernels/spec/): say what was wrong and what
 * was expected, naming the kernel and the argument.
 */
/**
 * One kernel's arguments and the sizes of what it returns, checked in one place for the
 * reference (the specification, src/kernels/reference/) and the WASM wrapper
 * (src/kernels/wasm/), which take the same arguments. Errors name the function called:
 * `check` speaks as `name`, `checkReference` as the reference (`${name}Reference` by default).
 */
export interface KernelSpec<A extends unknown[], S> {
  readonly name: string;
  check(...args: A): S;
  checkReference(...args: A): S;
}

export function kernelSpec<A extends unknown[], S>(
  name: string, check: (kernel: string, ...args: A) => S, reference = `${name}Reference`,
): KernelSpec<A, S> {
  return Object.freeze({
    name,
    check: (...args: A) => check(name, ...args),
    checkReference: (...args: A) => check(reference, ...args),
  });
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

export function checkF32(kernel: string, name: string, value: unknown, length: number): Float32Array {
  if (!(value instanceof Float32Array)) {
    throw new TypeError(`${kernel}: ${name} must be a Float32Array, got ${typeName(value)}`);
  }
  if (value.length !== length) {
    throw new RangeError(`${kernel}: ${name} has ${value.length} elements, expected ${length}`);
  }
  return value;
}

/** Checks a caller-provided output buffer (or accepts none). */
export function checkOut(kernel: string, out: unknown, length: number, name = 'out'): Float32Array | undefined {
  return out === undefined ? undefined : checkF32(kernel, name, out, length);
}

export function checkCount(kernel: string, name: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${kernel}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

export function checkBoolean(kernel: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new TypeError(`${kernel}: ${name} must be true or false, got ${typeName(value)}`);
}

/**
 * An options or parameters object (a plain object, not an array or a typed array, which is what
 * a positional argument passed in its place would be); `fields` lists what it may hold.
 */
export function checkObject(kernel: string, name: string, value: unknown, fields: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new TypeError(`${kernel}: ${name} must be an object ${fields}, got ${typeName(value)}`);
  }
}

/** A reference's result, in the caller's `out` when given (the WASM wrappers' contract). */
export function into(out: Float32Array | undefined, result: Float32Array): Float32Array {
  if (out === undefined) return result;
  out.set(result);
  return out;
}
