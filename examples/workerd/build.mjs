// Builds the workerd example into a folder that `workerd serve <folder>/config.capnp` serves:
// worker.js (worker.ts and what it imports, slimprune's built entries and tfjs included, bundled
// by esbuild into one ES module), slimprune.wasm (the package's 'slimprune/kernels.wasm'),
// config.capnp, and model/ (model.json and weights.bin of a deployed model folder, such as the
// model-deployed/ that `slimprune prune` writes).
//
//   node examples/workerd/build.mjs --model runs/mine/model-deployed --out build/workerd
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The modules config.capnp declares: workerd provides them, so the bundle must not inline them. */
const DECLARED_MODULES = ['./slimprune.wasm', './model.json', './weights.bin'];

export async function buildWorkerdExample({ out, model }) {
  await mkdir(join(out, 'model'), { recursive: true });
  const manifest = JSON.parse(await readFile(join(model, 'model.json'), 'utf8'));
  const shards = manifest.weightsManifest.flatMap((group) => group.paths);
  if (shards.length !== 1 || shards[0] !== 'weights.bin') {
    throw new Error(`${model}/model.json names the weight files ${JSON.stringify(shards)}; the example declares one, weights.bin (what exportModel writes)`);
  }
  await Promise.all([
    copyFile(join(model, 'model.json'), join(out, 'model/model.json')),
    copyFile(join(model, 'weights.bin'), join(out, 'model/weights.bin')),
    // Resolved as an app resolves it: through the package's exports.
    copyFile(createRequire(import.meta.url).resolve('slimprune/kernels.wasm'), join(out, 'slimprune.wasm')),
    copyFile(join(here, 'config.capnp'), join(out, 'config.capnp')),
  ]);
  const result = await esbuild.build({
    entryPoints: [join(here, 'worker.ts')],
    outfile: join(out, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // The package's workerd build (dist/browser/): no node:* module is reachable from it, so
    // nothing needs marking external and no nodejs_compat flag is needed.
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    // The example's own tsconfig has no paths, so 'slimprune' resolves to the package's dist/.
    tsconfig: join(here, 'tsconfig.json'),
    external: DECLARED_MODULES,
    logLevel: 'silent',
    // dist/ keeps comlink's imports (the worker pool's, unused here) that its package marks free of
    // side effects; esbuild drops them, rightly, and would say so for each.
    logOverride: { 'ignored-bare-import': 'silent' },
    metafile: true,
  });
  for (const warning of result.warnings) console.warn(`esbuild: ${warning.text}`);
  return { worker: join(out, 'worker.js'), config: join(out, 'config.capnp'), bytes: result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { model: { type: 'string' }, out: { type: 'string' } } });
  if (!values.model || !values.out) {
    console.error('usage: node examples/workerd/build.mjs --model <deployed model folder> --out <folder>');
    process.exit(2);
  }
  const built = await buildWorkerdExample({ out: resolve(values.out), model: resolve(values.model) });
  console.log(`built ${built.worker} (${(built.bytes / 1e6).toFixed(1)} MB); serve it with: workerd serve ${built.config}`);
}
