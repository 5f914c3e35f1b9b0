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

/** Creates the claim; false if it exists already (someone else's, or a dead holder's: see claimState). */
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

/** A claim as read: its holder (host '?', pid 0 while half-written) and whether it is alive by the rules above. */
export interface ClaimState {
  readonly holder: ClaimHolder;
  readonly live: boolean;
}

const HALF_WRITTEN: ClaimHolder = { host: '?', pid: 0 };

async function readHolder(file: string): Promise<{ holder: ClaimHolder; modified: number } | undefined> {
  const fs = await import('node:fs/promises');
  let text: string;
  let modified: number;
  try {
    [text, modified] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file).then((s) => s.mtimeMs)]);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const holder = JSON.parse(text) as ClaimHolder;
    return { holder: { host: String(holder.host), pid: Number(holder.pid) }, modified };
  } catch {
    // Half-written by a holder that died while writing it, or just now being written.
    return { holder: HALF_WRITTEN, modified };
  }
}

/** The claim, if the file exists: who holds it and whether that holder is alive. */
export async function claimState(file: string, staleMs: number): Promise<ClaimState | undefined> {
  const [read, os, { default: process }] = await Promise.all([readHolder(file), import('node:os'), import('node:process')]);
  if (!read) return undefined;
  const { holder, modified } = read;
  if (Date.now() - modified > staleMs) return { holder, live: false };
  if (holder !== HALF_WRITTEN && holder.host === os.hostname()) {
    try {
      process.kill(holder.pid, 0);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ESRCH') return { holder, live: false };
    }
  }
  return { holder, live: true };
}

/** Marks the claim as still held (its modification time is the heartbeat). */
export async function refreshClaim(file: string): Promise<void> {
  const fs = await import('node:fs/promises');
  const now = new Date();
  await fs.utimes(file, now, now).catch(() => undefined);
}

/**
 * Removes the claim if `holder` still holds it: one's own at the end, or a dead holder's being
 * taken over. A claim that another runner has taken meanwhile (over this one, judged stale, or
 * over the dead holder's) stays, so its holder is not trained over by a third.
 */
export async function releaseClaim(file: string, holder: ClaimHolder): Promise<void> {
  const fs = await import('node:fs/promises');
  const read = await readHolder(file);
  if (read && read.holder.host === holder.host && read.holder.pid === holder.pid) await fs.rm(file, { force: true });
}
