// Runs the runtime-neutral suites under Bun (test/bun/suites.test.ts) with the Bun binary from
// the `bun` npm package, and ends with one summary line. Bun reads tsconfig paths, and the
// project's tsconfig maps `slimprune` to the sources for tsc; test/bun/tsconfig.json maps it to
// the built bundle instead, as vitest.config.ts and deno.json do. SLIMPRUNE_SUITES=<regex> is
// read by the test file itself (it keeps the suites whose name matches).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** The binary the `bun` package installs (its package.json `bin`), so no global Bun is needed. */
function bunBinary() {
  const manifest = require.resolve('bun/package.json');
  return join(dirname(manifest), require(manifest).bin.bun);
}

function runBunTests() {
  const args = ['test', '--tsconfig-override=test/bun/tsconfig.json', './test/bun/suites.test.ts'];
  return new Promise((resolve, reject) => {
    // Bun prints its results on stderr; both streams are passed through and kept for the summary.
    const child = spawn(bunBinary(), args, {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (stream) => (chunk) => {
      stream.write(chunk);
      output += chunk;
    };
    child.stdout.on('data', keep(process.stdout));
    child.stderr.on('data', keep(process.stderr));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, output }));
  });
}

const { code, signal, output } = await runBunTests();
const count = (word) => Number(new RegExp(`^\\s*(\\d+) ${word}$`, 'm').exec(output)?.[1] ?? NaN);
const [passed, failed, skipped] = [count('pass'), count('fail'), count('skip')];
if (Number.isNaN(passed) || Number.isNaN(failed)) {
  console.log(`bun: no test summary (exit ${signal ?? code}); see the output above`);
} else {
  console.log(`bun: ${passed} passed, ${failed} failed, ${Number.isNaN(skipped) ? 0 : skipped} skipped`);
}
process.exit(code === 0 && failed === 0 ? 0 : code || 1);
