// Two ESM entries: the library and the worker entry. tfjs and comlink stay external (they are
// dependencies that the user's bundler or runtime resolves once); the kernels' .wasm is inlined
// as base64 by scripts/embed-wasm.mjs (why: see that file). Declarations come from
// `tsc -p tsconfig.build.json`, run after this.
import typescript from '@rollup/plugin-typescript';

const external = (id) => id.startsWith('@tensorflow/') || id === 'comlink' || id.startsWith('comlink/') || id.startsWith('node:');

export default {
  input: { index: 'src/index.ts', worker: 'src/worker.ts' },
  external,
  output: {
    dir: 'dist',
    format: 'es',
    sourcemap: true,
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
  },
  plugins: [
    typescript({
      tsconfig: './tsconfig.json',
      include: ['src/**/*.ts'],
      compilerOptions: { noEmit: false, declaration: false, sourceMap: true, paths: {} },
      noEmitOnError: true,
    }),
  ],
};
