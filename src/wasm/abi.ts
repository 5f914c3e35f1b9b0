/**
 * The typed ABI of assembly/: one entry per export, with the same names. Pointers are byte
 * offsets into `memory`; see each AssemblyScript module for layouts and preconditions.
 */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heap_base(): number;

  // assembly/conv2d.ts
  conv2d_scratch_bytes(geometry: number): number;
  conv2d_backprop_input_scratch_bytes(geometry: number): number;
  conv2d_backprop_filter_scratch_bytes(geometry: number): number;
  // In steps, so that threads can split the rows (src/wasm/threads.ts): prepare, then row
  // ranges, then finish.
  conv2d_prepare_f32(geometry: number, x: number, filter: number, bias: number, y: number, scratch: number, args: number): void;
  conv2d_backprop_input_prepare_f32(geometry: number, dy: number, filter: number, dx: number, scratch: number, args: number): void;
  conv2d_backprop_filter_prepare_f32(geometry: number, x: number, dy: number, dfilter: number, scratch: number, args: number): void;
  conv2d_backprop_filter_finish_f32(args: number): void;
  /** After conv2d_prepare_f32 on buffers that stay put: redo what depends on x's values only. */
  conv2d_refresh_input_f32(geometry: number, x: number, scratch: number): void;
  igemm_rows_f32(args: number, r0: number, r1: number): void;
  /** After conv2d_prepare_f32: y = act(conv + bias + residual), residual shaped as y. */
  conv2d_set_residual_f32(args: number, residual: number): void;
  // assembly/conv2d_thin.ts: whether conv2d_prepare_f32 takes the thin-layer path for a geometry.
  conv2d_thin_chosen(geometry: number): number;
  filter_grad_rows_f32(args: number, r0: number, r1: number): void;
  set_thread_scratch(ptr: number): void;
  batch_norm_prepare_f32(
    x: number, rows: number, cols: number, mean: number, variance: number, offset: number, scale: number,
    epsilon: number, scratch: number, y: number, args: number,
  ): void;
  batch_norm_rows_f32(args: number, r0: number, r1: number): void;
  max_pool_backprop_args(geometry: number, x: number, dy: number, dx: number, args: number): void;
  max_pool_backprop_batch_f32(args: number, b0: number, b1: number): void;
  momentum_update_args(
    value: number, accumulation: number, gradient: number, n: number,
    momentum: number, negLearningRate: number, weightDecay: number, decayed: number,
    newValue: number, newAccumulation: number, args: number,
  ): void;
  momentum_update_range_f32(args: number, i0: number, i1: number): void;

  // assembly/channel_mask.ts: x viewed as [outer, axisLen, inner]; keep bitset u32, LSB first
  mask_channels_f32(x: number, outer: number, axisLen: number, inner: number, keepBits: number): void;
  gather_channels_f32(
    x: number, outer: number, axisLen: number, inner: number, keep: number, keepCount: number, y: number,
  ): void;

  // assembly/depthwise_conv2d.ts: the conv2d geometry struct with outC = inC * multiplier
  depthwise_conv2d_scratch_bytes(geometry: number): number;
  depthwise_conv2d_f32(geometry: number, x: number, filter: number, y: number, scratch: number): void;
  depthwise_conv2d_backprop_input_scratch_bytes(geometry: number): number;
  depthwise_conv2d_backprop_input_f32(geometry: number, dy: number, filter: number, dx: number, scratch: number): void;
  depthwise_conv2d_backprop_filter_scratch_bytes(geometry: number): number;
  depthwise_conv2d_backprop_filter_f32(geometry: number, x: number, dy: number, dfilter: number, scratch: number): void;

  // assembly/rng.ts: xoshiro128** seeded by splitmix32 (definition: assembly/rng_core.ts)
  rng_seed(seed: number, stream: number): void;
  /** An i32: take `>>> 0` for the u32. */
  rng_next_u32(): number;
  rng_uniform_f64(): number;
  rng_below_i32(n: number): number;
  rng_fill_u32(out: number, count: number): void;

  // assembly/bitset.ts: masks as bitsets, bit i = bit (i & 31) of u32 word i >> 5
  bitset_words_padded(channels: number): number;
  mask_threshold_f32(gamma: number, n: number, theta: number, minChannels: number, mask: number, words: number): number;
  bitset_popcount_u32(mask: number, words: number): number;
  bitset_hamming_u32(a: number, b: number, words: number): number;

  // assembly/anneal.ts: problem struct p (80 B), options o (48 B), result r (40 B), states i32[K·L]
  anneal_workspace_bytes(problem: number): number;
  anneal_prepare_f32(problem: number, workspace: number): void;
  anneal_energy_f64(problem: number, workspace: number, state: number): number;
  anneal_t0_f64(problem: number, workspace: number, start: number, options: number, samples: number, scratch: number): number;
  anneal_run_f64(
    problem: number, workspace: number, options: number, start: number, best: number, last: number, trace: number, result: number,
  ): void;
  metropolis_exp_f64(x: number): number;

  // assembly/pool.ts: the conv geometry struct with the window as the filter; average 0: max, 1: mean
  pool2d_f32(geometry: number, x: number, y: number, average: number): void;

  // assembly/elementwise.ts: f32 arrays of n; relu != 0 fuses max(·, 0) into the sum
  add_f32(a: number, b: number, y: number, n: number, relu: number): void;
  relu_f32(x: number, y: number, n: number): void;

  // assembly/tile.ts
  tile_f32(x: number, shape: number, reps: number, rank: number, y: number): void;

  // assembly/reduce.ts
  reduce_rows_f32(x: number, rows: number, cols: number, out: number, mean: number): void;

  // assembly/batch_norm_training.ts
  batch_moments_f32(x: number, rows: number, cols: number, mean: number, variance: number): void;
  batch_norm_grad_f32(
    x: number, dy: number, rows: number, cols: number,
    mean: number, scale: number, rsqrt: number, minusRsqrt: number, minusHalfRsqrtCubed: number,
    scratch: number, dx: number, dScale: number, dOffset: number,
  ): void;
}
