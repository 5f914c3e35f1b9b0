/**
 * The typed ABI of assembly/: one entry per export, with the same names. Pointers are byte
 * offsets into `memory`; see each AssemblyScript module for layouts and preconditions.
 */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heap_base(): number;

  // assembly/conv2d.ts
  conv2d_scratch_bytes(geometry: number): number;
  conv2d_f32(geometry: number, x: number, filter: number, bias: number, y: number, scratch: number): void;
  conv2d_backprop_input_scratch_bytes(geometry: number): number;
  conv2d_backprop_input_f32(geometry: number, dy: number, filter: number, dx: number, scratch: number): void;
  conv2d_backprop_filter_scratch_bytes(geometry: number): number;
  conv2d_backprop_filter_f32(geometry: number, x: number, dy: number, dfilter: number, scratch: number): void;
}
