// Runs the runtime-neutral suites under Deno (test/deno/suites.test.ts) with the Deno binary from
// the `deno` npm package, and ends with one summary line. deno.json maps `slimprune` to the built
// bundle and resolves npm packages from node_modules only (nodeModulesDir "manual"), so nothing is
// fetched; `--cached-only` makes any attempt to fetch an error instead.
import { spawn } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * tfjs-core's gradients exist only as ESM files with extensionless relative imports, which
 * Deno's Node resolution rejects (its CJS main has no gradients). Suites import
 * `@tensorflow/tfjs-core/dist/register_all_gradients` for the side effect of registering them,
 * so deno.json maps that specifier to this one-file bundle. The bundle holds a second copy of
 * tfjs-core's internals, which is harmless: tfjs keeps its engine and its kernel and gradient
 * registries on globalThis, so both copies register into and run on the same ones.
 */
const GRADIENTS_ENTRY = '@tensorflow/tfjs-core/dist/register_all_gradients';
const GRADIENTS_BUNDLE = new URL('../build/deno/tfjs-core-gradients.js', import.meta.url);

async function mtime(path) {
  return (await stat(path).catch(() => undefined))?.mtimeMs ?? 0;
}

async function bundleGradients() {
  const source = require.resolve('@tensorflow/tfjs-core/package.json');
  if ((await mtime(GRADIENTS_BUNDLE)) > (await mtime(source))) return;
  await mkdir(new URL('.', GRADIENTS_BUNDLE), { recursive: true });
  const bundle = await rollup({ input: GRADIENTS_ENTRY, plugins: [nodeResolve()], logLevel: 'silent' });
  try {
    await bundle.write({ file: fileURLToPath(GRADIENTS_BUNDLE), format: 'es' });
  } finally {
    await bundle.close();
  }
}

function runDenoTests() {
  // The package's own launcher: it also finds the binary when npm skipped deno's postinstall.
  const launcher = require.resolve('deno/bin.cjs');
  const args = [launcher, 'test', '-A', '--no-check', '--cached-only', 'test/deno/suites.test.ts'];
  return new Promise((resolve, reject) => {
    // --no-check: `npm run typecheck` type-checks these files with the project's tsconfig.
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, output }));
  });
}

await bundleGradients();
const { code, signal, output } = await runDenoTests();
const summary = /(\d+) passed(?: \([^)]*\))? \| (\d+) failed/.exec(output);
if (summary) {
  console.log(`deno: ${summary[1]} passed, ${summary[2]} failed`);
} else {
  console.log(`deno: no test summary (exit ${signal ?? code}); see the output above`);
}
process.exit(code === 0 && summary?.[2] === '0' ? 0 : code || 1);
