// Runs the runtime-neutral suites under Deno (test/deno/suites.test.ts) with the Deno binary from
// the `deno` npm package, and ends with one summary line. deno.json maps `slimprune` to the built
// bundle and resolves npm packages from node_modules only (nodeModulesDir "manual"), so nothing is
// fetched; `--cached-only` makes any attempt to fetch an error instead.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function runDenoTests() {
  // The package's own launcher: it also finds the binary when npm skipped deno's postinstall.
  const launcher = require.resolve('deno/bin.cjs');
  const args = [launcher, 'test', '-A', '--no-check', '--cached-only', 'test/deno/suites.test.ts'];
  // SLIMPRUNE_SUITES=<regex>, as for the browser runner: deno's --filter matches test names,
  // which test/deno/suites.test.ts prefixes with the suite's name.
  if (process.env.SLIMPRUNE_SUITES) args.push('--filter', `/${process.env.SLIMPRUNE_SUITES}/`);
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

const { code, signal, output } = await runDenoTests();
const summary = /(\d+) passed(?: \([^)]*\))? \| (\d+) failed(?: \([^)]*\))?(?: \| (\d+) ignored)?/.exec(output);
if (summary) {
  console.log(`deno: ${summary[1]} passed, ${summary[2]} failed, ${summary[3] ?? 0} skipped`);
} else {
  console.log(`deno: no test summary (exit ${signal ?? code}); see the output above`);
}
process.exit(code === 0 && summary?.[2] === '0' ? 0 : code || 1);
