/**
 * A bump allocator over the kernels' linear memory. The AssemblyScript module runs with the
 * stub runtime and allocates nothing itself: every buffer a kernel touches is placed here by the
 * TypeScript wrapper, which therefore owns layout, alignment and validation.
 *
 * Growing the memory detaches earlier views, so callers allocate everything first and create
 * their typed-array views afterwards (`f32`, `i32`, `u32`, `u8`).
 */
export class Arena {
  private top: number;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly base: number,
    /** The memory's declared maximum (a shared memory must declare one), default 4 GiB. */
    private readonly maxBytes = 4 * 1024 * 1024 * 1024,
  ) {
    this.top = alignUp(base, 16);
  }

  /** Frees everything allocated since construction. */
  reset(): void {
    this.top = alignUp(this.base, 16);
  }

  /** Current top, to restore with `release(mark)` (stack discipline). */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /**
   * Reserves `bytes` bytes aligned to `align` (a power of two, default 16 for v128 loads),
   * plus `slack` bytes after them that kernels may read past the end (vector tails).
   */
  alloc(bytes: number, align = 16, slack = 32): number {
    if (!Number.isInteger(bytes) || bytes < 0) {
      throw new RangeError(`Arena.alloc: byte count must be a non-negative integer, got ${bytes}`);
    }
    const ptr = alignUp(this.top, align);
    const end = ptr + bytes + slack;
    this.ensure(end);
    this.top = end;
    return ptr;
  }

  /** Copies `data` into a new allocation and returns its pointer. */
  put(data: ArrayBufferView): number {
    const ptr = this.alloc(data.byteLength);
    new Uint8Array(this.memory.buffer, ptr, data.byteLength).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
    return ptr;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  u32(ptr: number, length: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, ptr, length);
  }

  u8(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }

  /**
   * Copies `length` floats at `ptr` out of linear memory into a new array. Not `view.slice()`:
   * V8 slices a view of WebAssembly memory element by element (25 ms for 8 MiB, measured),
   * while `set` is a memcpy. Pass `into` to reuse a buffer: the first touch of freshly
   * allocated pages costs about as much as the copy (22 ms for 8 MiB here, measured).
   */
  copyF32(ptr: number, length: number, into?: Float32Array): Float32Array {
    const out = into ?? new Float32Array(length);
    out.set(this.f32(ptr, length));
    return out;
  }

  copyI32(ptr: number, length: number): Int32Array {
    const out = new Int32Array(length);
    out.set(this.i32(ptr, length));
    return out;
  }

  /** Bytes currently reserved in linear memory (for tests and diagnostics). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const MAX = this.maxBytes;
    if (end > MAX) {
      throw new RangeError(
        `slimprune kernels need ${(end / 2 ** 20).toFixed(0)} MiB of linear memory, more than ` +
          `the ${(MAX / 2 ** 20).toFixed(0)} MiB this kernels' memory can hold; process the data in smaller batches` +
          (MAX < 4 * 1024 * 1024 * 1024 ? ' or use one kernel thread (setKernelThreads(1))' : ''),
      );
    }
    const pages = Math.ceil((end - have) / 65536);
    // Grow geometrically so that a sequence of growing calls costs amortised O(1) copies.
    const want = Math.max(pages, Math.ceil(have / 65536 / 2));
    try {
      this.memory.grow(Math.min(want, MAX / 65536 - have / 65536));
    } catch {
      this.memory.grow(pages);
    }
  }
}

export function alignUp(x: number, align: number): number {
  return Math.ceil(x / align) * align;
}
