/**
 * Claim files (Node and Deno): a small JSON file created exclusively (O_EXCL, which NFS v3+ and
 * local file systems honour) that says which process on which host works on something, refreshed
 * while it does. Another process reads it to decide whether to wait or to take over: the holder
 * is gone when, on this host, its process no longer exists, or, on any host, the claim has not
 * been refreshed for longer than the caller's staleness limit.
 */
import { requireFileSystem } from './files.ts';

export interface ClaimHolder {
  readonly host: string;
  readonly pid: number;
}

export async function thisProcess(): Promise<ClaimHolder> {
  requireFileSystem('a claim file');
  const [{ hostname }, { default: process }] = await Promise.all([import('node:os'), import('node:process')]);
  return { host: hostname(), pid: process.pid };
}

/** Creates the claim; false if it exists already (someone else's, or a dead holder's: see claimIsLive). */
export async function tryClaim(file: string, holder: ClaimHolder): Promise<boolean> {
  const fs = await import('node:fs/promises');
  try {
    await fs.writeFile(file, JSON.stringify(holder), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') return false;
    throw error;
  }
}

/** The claim's holder, if the file exists and its holder is alive by the rules above. */
export async function liveClaim(file: string, staleMs: number): Promise<ClaimHolder | undefined> {
  const [fs, os, { default: process }] = await Promise.all([import('node:fs/promises'), import('node:os'), import('node:process')]);
  let text: string;
  let modified: number;
  try {
    [text, modified] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file).then((s) => s.mtimeMs)]);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
  let holder: ClaimHolder;
  try {
    holder = JSON.parse(text) as ClaimHolder;
  } catch {
    // Half-written by a holder that died while writing it, or just now being written.
    return Date.now() - modified > staleMs ? undefined : { host: '?', pid: 0 };
  }
  if (Date.now() - modified > staleMs) return undefined;
  if (holder.host === os.hostname()) {
    try {
      process.kill(holder.pid, 0);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ESRCH') return undefined;
    }
  }
  return holder;
}

/** Marks the claim as still held (its modification time is the heartbeat). */
export async function refreshClaim(file: string): Promise<void> {
  const fs = await import('node:fs/promises');
  const now = new Date();
  await fs.utimes(file, now, now).catch(() => undefined);
}

export async function releaseClaim(file: string): Promise<void> {
  const fs = await import('node:fs/promises');
  await fs.rm(file, { force: true });
}
