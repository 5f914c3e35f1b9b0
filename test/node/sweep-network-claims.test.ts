// The sweep's shared network cache: a key claimed by a live holder elsewhere is waited for until
// its entry lands; a claim whose holder died (a PID gone on this host) is taken over at once; a
// runner whose claim was taken over (judged stale) leaves the new holder's claim in place.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimedNetworkCache, folderNetworkCache, type CachedNetwork } from 'slimprune/internal';

const NETWORK: CachedNetwork = {
  weights: [{ shape: [2], values: Float32Array.of(1.5, -2) }],
  polarization: {} as CachedNetwork['polarization'],
  seconds: 3,
};

describe('claimed network cache', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slimprune-claims-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('claims a missing key, and releases the claim when the entry is put', async () => {
    const cache = claimedNetworkCache(dir);
    expect(await cache.get('k1')).toBeUndefined();
    expect(await readdir(dir)).toEqual(['k1.claim']);
    await cache.put('k1', NETWORK);
    expect((await readdir(dir)).sort()).toEqual(['k1.bin', 'k1.json']);
    expect((await cache.get('k1'))!.weights[0]!.values).toEqual(NETWORK.weights[0]!.values);
  });

  it('waits for a key that a live holder is training', async () => {
    await writeFile(join(dir, 'k2.claim'), JSON.stringify({ host: 'another-machine', pid: 1 }));
    const waits: string[] = [];
    const cache = claimedNetworkCache(dir, (key, holder) => waits.push(`${key} ${holder.host}:${holder.pid}`));
    let settled = false;
    const got = cache.get('k2').then((n) => { settled = true; return n; });
    await new Promise((r) => setTimeout(r, 2500));
    expect(settled).toBe(false);
    expect(waits).toEqual(['k2 another-machine:1']);
    // The other machine finishes: its entry lands and its claim goes.
    await folderNetworkCache(dir).put('k2', NETWORK);
    await rm(join(dir, 'k2.claim'));
    expect((await got)!.seconds).toBe(3);
  }, 15_000);

  it("takes over the claim of a holder that died on this host", async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(join(dir, 'k3.claim'), JSON.stringify({ host: hostname(), pid: Number(dead.stdout) }));
    const cache = claimedNetworkCache(dir, () => { throw new Error('a dead holder is not waited for'); });
    expect(await cache.get('k3')).toBeUndefined();
    await cache.release();
    expect((await readdir(dir)).filter((n) => n.startsWith('k3'))).toEqual([]);
  });

  it("putting an entry leaves a claim that another runner took over in place", async () => {
    const cache = claimedNetworkCache(dir);
    expect(await cache.get('k4')).toBeUndefined();
    // Another machine judged this claim stale and took it over while this runner trained.
    const other = JSON.stringify({ host: 'another-machine', pid: 7 });
    await writeFile(join(dir, 'k4.claim'), other);
    await cache.put('k4', NETWORK);
    expect(await readFile(join(dir, 'k4.claim'), 'utf8')).toBe(other);
  });
});
