// What a user who installs the package (not the repository) gets: packs the built package,
// installs the tarball into fresh projects, and checks each way in. Run by .ci/run after the tests
// (`npm run build` first); prints one line per check and the install and bundle sizes, and exits
// 1 if a check failed.
//
//   node scripts/consumer-check.mjs [--tarball slimprune-x.tgz] [--sizes-only] [--json out.json] [--keep]
//
// Two consumers: 'kernels' installs slimprune alone (its tfjs peers are optional) and uses the
// kernels and the selection; 'full' installs it with tfjs and prunes. Packages come from the npm
// registry through npm's cache (`--prefer-offline`): the repository's `npm ci` has filled it.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { checks, runChecks } from './consumer/checks.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const sizesOnly = args.includes('--sizes-only');
const keep = args.includes('--keep');

/** The tfjs packages a pruning consumer installs next to slimprune (the README's line). */
const TFJS = ['@tensorflow/tfjs@^4.22.0', '@tensorflow/tfjs-backend-wasm@^4.22.0'];

function run(command, commandArgs, options = {}) {
  const started = performance.now();
  const result = spawnSync(command, commandArgs, {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 300_000, ...options,
    env: { ...process.env, NO_COLOR: '1', npm_config_fund: 'false', npm_config_audit: 'false', ...options.env },
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${commandArgs.join(' ')} exited ${result.status ?? result.signal}:\n${result.stderr || result.stdout}`);
  }
  return { ...result, seconds };
}

function folderBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

function pack() {
  const given = option('--tarball');
  if (given) return resolve(given);
  const out = mkdtempSync(join(tmpdir(), 'slimprune-pack-'));
  const { stdout } = run('npm', ['pack', '--json', '--pack-destination', out], { cwd: root });
  return join(out, JSON.parse(stdout)[0].filename);
}

/** A fresh project with `packages` installed; the tarball's size on disk included. */
function install(name, tarball, packages) {
  const dir = mkdtempSync(join(tmpdir(), `slimprune-consumer-${name}-`));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }, null, 2));
  // onnxruntime-node's install script would fetch CUDA binaries from outside the npm registry.
  writeFileSync(join(dir, '.npmrc'), 'onnxruntime-node-install=skip\n');
  const { seconds } = run('npm', ['install', '--prefer-offline', '--no-package-lock', tarball, ...packages], { cwd: dir });
  return { dir, seconds, bytes: folderBytes(join(dir, 'node_modules')) };
}

const MB = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const KB = (bytes) => `${(bytes / 1e3).toFixed(1)} KB`;

/**
 * esbuild's minified bundle of `entry` in `dir`: bytes, gzip'd bytes, and the packages in it.
 * A package whose bundle reaches Node built-ins (earlier versions) is measured with them external,
 * and the result says so.
 */
function bundleSize(dir, entry) {
  const esbuild = require('esbuild');
  const out = join(dir, 'size', `${basename(entry, '.js')}.js`);
  const build = (external) => esbuild.buildSync({
    entryPoints: [join(dir, entry)], outfile: out, bundle: true, format: 'esm', minify: true, metafile: true, logLevel: 'silent', external,
  });
  let result;
  let neededFlags = [];
  try {
    result = build([]);
  } catch {
    neededFlags = ['--external:node:*'];
    result = build(['node:*']);
  }
  const code = readFileSync(out);
  const packages = new Set(
    Object.keys(result.metafile.inputs).map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1]).filter(Boolean),
  );
  return { bytes: code.length, gzip: gzipSync(code).length, neededFlags, packages: [...packages].sort() };
}

const tarball = pack();
const report = { tarball: basename(tarball), tarballBytes: statSync(tarball).size, consumers: {}, bundles: {}, checks: [] };
console.log(`consumer: ${basename(tarball)} (${KB(report.tarballBytes)})`);
const made = [];
try {
  const kernelsOnly = install('kernels', tarball, []);
  made.push(kernelsOnly.dir);
  report.consumers.kernels = { packages: 'slimprune', bytes: kernelsOnly.bytes, seconds: kernelsOnly.seconds };
  console.log(`consumer: npm install slimprune → node_modules ${MB(kernelsOnly.bytes)} (${kernelsOnly.seconds.toFixed(1)} s)`);
  const full = install('full', tarball, TFJS);
  made.push(full.dir);
  report.consumers.full = { packages: ['slimprune', ...TFJS].join(' '), bytes: full.bytes, seconds: full.seconds };
  console.log(`consumer: npm install slimprune ${TFJS.join(' ')} → node_modules ${MB(full.bytes)} (${full.seconds.toFixed(1)} s)`);

  // The two pages of test/fixtures/bundle-pages, as the two consumers would bundle them.
  for (const [page, consumer] of [['kernels-page', kernelsOnly], ['prune-page', full]]) {
    cpSync(join(root, 'test/fixtures/bundle-pages', `${page}.js`), join(consumer.dir, `${page}.js`));
    const size = bundleSize(consumer.dir, `${page}.js`);
    report.bundles[page] = size;
    const flags = size.neededFlags.length ? ` (needed ${size.neededFlags.join(' ')})` : '';
    console.log(`consumer: ${page} bundled (esbuild --minify)${flags} ${KB(size.bytes)}, ${KB(size.gzip)} gzip'd; packages: ${size.packages.join(' ') || 'none'}`);
  }

  if (!sizesOnly) {
    const results = await runChecks(checks, { root, kernelsOnly: kernelsOnly.dir, full: full.dir, run });
    report.checks = results;
  }
} finally {
  if (!keep) for (const dir of made) rmSync(dir, { recursive: true, force: true });
  else console.log(`consumer: kept ${made.join(' ')}`);
  if (!option('--tarball')) rmSync(resolve(tarball, '..'), { recursive: true, force: true });
}
const jsonOut = option('--json');
if (jsonOut) {
  mkdirSync(resolve(jsonOut, '..'), { recursive: true });
  writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
}
const failed = report.checks.filter((c) => !c.ok);
console.log(sizesOnly ? 'consumer: sizes only' : `consumer: ${report.checks.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length === 0 ? 0 : 1);
