/**
 * The sweep's network cache, shared by runners that work at the same time (queue workers on
 * several machines): before training a network that the cache lacks, a runner claims its key
 * (`<key>.claim` next to the entry); a runner that finds the key claimed by a live holder waits
 * for the entry instead of training the same network again, and takes the claim over when its
 * holder has died. So a network is trained once however many cells need it at once; and since
 * every holder trains the same bits, a claim wrongly taken over costs time, never correctness.
 */
import { ensureDir, joinLocation } from '../platform/files.ts';
import { claimState, refreshClaim, releaseClaim, thisProcess, tryClaim, type ClaimHolder } from '../platform/claim-file.ts';
import type { CachedNetwork, NetworkCache } from '../pipeline/network-cache.ts';
import { folderNetworkCache } from '../pipeline/network-files.ts';

/** A claim not refreshed for this long is a dead holder's (refreshed every HEARTBEAT_MS; a cell's thread blocks for seconds at most). */
const STALE_MS = 120_000;
const HEARTBEAT_MS = 20_000;
const POLL_MS = 2_000;

export function claimedNetworkCache(dir: string, onWait?: (key: string, holder: ClaimHolder) => void): NetworkCache & { release(): Promise<void> } {
  const entries = folderNetworkCache(dir);
  const claimFile = (key: string) => joinLocation(dir, `${key}.claim`) as string;
  const held = new Set<string>();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const hold = (key: string) => {
    held.add(key);
    heartbeat ??= setInterval(() => { for (const k of held) void refreshClaim(claimFile(k)); }, HEARTBEAT_MS);
    // A heartbeat never keeps a process alive on its own (Node's timers have unref; Deno's do not need it).
    (heartbeat as { unref?: () => void }).unref?.();
  };
  const drop = async (key: string) => {
    if (!held.delete(key)) return;
    await releaseClaim(claimFile(key), await thisProcess());
    if (held.size === 0 && heartbeat) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };
  return {
    async get(key: string): Promise<CachedNetwork | undefined> {
      const me = await thisProcess();
      await ensureDir(dir);
      for (let said = false; ;) {
        const hit = await entries.get(key);
        if (hit) return hit;
        if (held.has(key)) return undefined;
        if (await tryClaim(claimFile(key), me)) {
          // The entry may have landed between the look and the claim.
          const late = await entries.get(key);
          if (late) {
            await releaseClaim(claimFile(key), me);
            return late;
          }
          hold(key);
          return undefined;
        }
        const claim = await claimState(claimFile(key), STALE_MS);
        if (!claim) continue;
        if (!claim.live) {
          // Its holder is gone: remove its claim (only its: not one another waiter took over
          // meanwhile) and try again; a waiter that wins the race trains, the others wait.
          await releaseClaim(claimFile(key), claim.holder);
          continue;
        }
        const holder = claim.holder;
        if (!said) onWait?.(key, holder);
        said = true;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },
    async put(key: string, network: CachedNetwork): Promise<void> {
      await entries.put(key, network);
      await drop(key);
    },
    /** Gives up every claim still held (a run that failed before training what it claimed). */
    async release(): Promise<void> {
      for (const key of [...held]) await drop(key);
    },
  };
}
