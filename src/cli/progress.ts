/** One status line on stderr: stage, network, epoch, batch and ETA, rewritten in place on a TTY. */
import type { PruneProgress } from 'slimprune/internal';

export function progressPrinter(stream: { isTTY?: boolean; write(s: string): unknown }): (p: PruneProgress) => void {
  let lastLine = '';
  let lastTime = 0;
  return (p) => {
    const t = p.training;
    const line = t
      ? `[${p.stage}] ${p.message} · epoch ${t.epoch + 1}/${t.epochs} · batch ${t.batch}/${t.batches} · loss ${t.loss.toFixed(3)} · ` +
        `acc ${(100 * t.accuracy).toFixed(1)}% · ${Math.round(t.imagesPerSecond)} img/s · ETA ${Math.ceil(t.etaSeconds)} s`
      : `[${p.stage}] ${p.message}`;
    const now = Date.now();
    if (line === lastLine || (t && now - lastTime < 500 && t.batch !== t.batches)) return;
    lastLine = line;
    lastTime = now;
    stream.write(stream.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
  };
}
