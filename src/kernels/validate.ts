/** Argument checks shared by every kernel wrapper: say what was wrong and what was expected. */

export function checkF32(kernel: string, name: string, value: unknown, length: number): Float32Array {
  if (!(value instanceof Float32Array)) {
    const got = value === null ? 'null' : typeof value === 'object' ? (value as object).constructor?.name : typeof value;
    throw new TypeError(`${kernel}: ${name} must be a Float32Array, got ${got}`);
  }
  if (value.length !== length) {
    throw new RangeError(`${kernel}: ${name} has ${value.length} elements, expected ${length}`);
  }
  return value;
}

export function checkCount(kernel: string, name: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${kernel}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** For the pointer-level API: a kernel's vector loads need 16-byte aligned buffers. */
export function checkPointer(kernel: string, name: string, ptr: number, memoryBytes: number, bytes: number): void {
  if (!Number.isInteger(ptr) || ptr <= 0) {
    throw new RangeError(`${kernel}: ${name} must be a positive byte offset into the kernels' memory, got ${ptr}`);
  }
  if (ptr % 16 !== 0) {
    throw new RangeError(
      `${kernel}: ${name} at byte ${ptr} is not 16-byte aligned; allocate it with the kernels' Arena (alloc aligns to 16)`,
    );
  }
  if (ptr + bytes > memoryBytes) {
    throw new RangeError(`${kernel}: ${name} [${ptr}, ${ptr + bytes}) lies outside the kernels' ${memoryBytes}-byte memory`);
  }
}
