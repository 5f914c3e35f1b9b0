// A folder of the user's images (src/data/folder/), loaded in memory against streamed: writes
// 50,000 32×32 RGB PNGs in 10 classes (CIFAR-10's training set in size) to a temporary folder,
// then, each in a fresh child process, loads it and runs one epoch of shuffled, normalised
// batches of 64 over the training split (the default 0.2 held out), and reports the child's peak
// resident memory and images per second. The peer is the same loader in memory; a child that only
// imports the library gives the baseline memory.
// Usage: npm run build && node bench/image-folder-memory.mjs [--images N]
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { table, fmt } from './util.mjs';

const SIDE = 32;
const CLASSES = 10;
const BATCH = 64;

async function child(mode, root) {
  const { loadImageFolder, channelStats, batcherFor } = await import('../dist/data.js');
  const started = performance.now();
  let loadMs = 0;
  let images = 0;
  if (mode !== 'baseline') {
    const folder = await loadImageFolder(root, { stream: mode === 'streamed' });
    const normalization = await channelStats(folder.train);
    loadMs = performance.now() - started;
    const batches = batcherFor(folder.train, undefined, { batchSize: BATCH, normalization, shuffle: true, seed: 1 });
    for await (const batch of batches.epoch(0)) images += batch.size;
  }
  const totalMs = performance.now() - started;
  const epochMs = totalMs - loadMs;
  process.stdout.write(JSON.stringify({ mode, images, loadMs, epochMs, totalMs, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

/** Smooth content with some noise, so the PNGs compress about as photographs of this size do. */
function picture(label, i) {
  const pixels = new Uint8Array(SIDE * SIDE * 3);
  let seed = (label * 100_003 + i) >>> 0;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
      const noise = seed >>> 28;
      const o = 3 * (y * SIDE + x);
      pixels[o] = (x * 7 + label * 25 + noise) & 255;
      pixels[o + 1] = (y * 7 + i + noise) & 255;
      pixels[o + 2] = ((x + y) * 3 + label * 11) & 255;
    }
  }
  return pixels;
}

async function writeFolder(root, count) {
  const { encode } = await import('fast-png');
  for (let label = 0; label < CLASSES; label++) await mkdir(join(root, `class-${label}`), { recursive: true });
  for (let i = 0; i < count; i++) {
    const label = i % CLASSES;
    const png = encode({ width: SIDE, height: SIDE, channels: 3, depth: 8, data: picture(label, i) });
    await writeFile(join(root, `class-${label}`, `${String(i).padStart(5, '0')}.png`), png);
  }
}

async function main() {
  const at = process.argv.indexOf('--images');
  const count = at > 0 ? Number(process.argv[at + 1]) : 50_000;
  const dir = await mkdtemp(join(tmpdir(), 'slimprune-bench-folder-'));
  const root = join(dir, 'images');
  try {
    let started = performance.now();
    await writeFolder(root, count);
    console.log(`wrote ${count} ${SIDE}×${SIDE} RGB PNGs in ${CLASSES} classes in ${fmt((performance.now() - started) / 1000)} s`);
    const run = promisify(execFile);
    const rows = [];
    for (const mode of ['baseline', 'in memory', 'streamed']) {
      const { stdout } = await run(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, root], { maxBuffer: 1 << 20 });
      const r = JSON.parse(stdout);
      rows.push([
        mode, fmt(r.maxRssMB, 0), r.images ? fmt(r.loadMs / 1000) : '–', r.images ? fmt(r.epochMs / 1000) : '–',
        r.images ? fmt(r.images / (r.epochMs / 1000), 0) : '–', r.images ? fmt(r.images / (r.totalMs / 1000), 0) : '–',
      ]);
    }
    console.log(`\n${count} images, ${count - Math.round(count * 0.2)} in the training split, one epoch of batches of ${BATCH} (Node ${process.version}):\n`);
    console.log(table(['set', 'peak RSS (MB)', 'load + channelStats (s)', 'epoch (s)', 'epoch images/s', 'images/s, load included'], rows));
  } finally {
    if (!process.argv.includes('--keep')) await rm(dir, { recursive: true, force: true });
    else console.log(`kept ${root}`);
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await main();
