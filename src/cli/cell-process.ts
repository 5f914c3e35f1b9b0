/**
 * A queue worker's cells, and a local sweep's with --parallel, each in a child process of this
 * CLI (`slimprune run-cell`, hidden): a worker's own thread stays free to renew the job's lock
 * while the cell computes (see CellExecutor), and cells at once compute on cores of their own. Parent and child talk over Node's IPC channel: the child gets the cell as its
 * argument, sends progress and its result, and exits; a child whose parent dies (the channel closes) stops too,
 * so a killed worker leaves no cell running for nobody.
 */
import { fork } from 'node:child_process';
import type { Command } from 'commander';
import { runCell, pruneProgressText, type CellExecutor, type CellResult, type SweepCell } from 'slimprune/internal';

type ToChild = { readonly cell: SweepCell; readonly folder: string; readonly cache?: string; readonly worker: string };
type FromChild = { readonly progress: string } | { readonly result: CellResult };

/** Runs cells in children of the CLI at `cliPath` (the running script). */
export function forkedCellExecutor(cliPath: string): CellExecutor {
  return (cell, options) => new Promise<CellResult>((resolve, reject) => {
    const message: ToChild = { cell, folder: options.folder, worker: options.worker, ...(options.cache !== undefined && { cache: options.cache }) };
    // The cell goes as an argument (a few kB of JSON): there from the child's first line, unlike a message.
    const child = fork(cliPath, ['run-cell', JSON.stringify(message)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let result: CellResult | undefined;
    child.on('message', (m: FromChild) => {
      if ('progress' in m) options.onProgress(m.progress);
      else result = m.result;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result) resolve(result);
      else reject(new Error(`the cell's process ended without a result (${signal ?? `exit code ${code}`})`));
    });
  });
}

export function registerRunCellCommand(program: Command): void {
  program
    .command('run-cell', { hidden: true })
    .description("a worker's child: runs the one cell it is given")
    .argument('<job>', 'the cell, its folder and cache, as JSON')
    .action(async (text: string) => {
      if (!process.send) throw new Error('run-cell is started by `slimprune worker` or `slimprune sweep --parallel`, with an IPC channel; it is not for use on its own');
      process.once('disconnect', () => process.exit(1));
      const job = JSON.parse(text) as ToChild;
      let last = 0;
      const result = await runCell(job.cell, {
        folder: job.folder, worker: job.worker, ...(job.cache !== undefined && { cache: job.cache }),
        onProgress: (p) => {
          const now = Date.now();
          if (now - last < 1000) return;
          last = now;
          process.send!({ progress: pruneProgressText(p) } satisfies FromChild);
        },
      });
      await new Promise<void>((resolve) => process.send!({ result } satisfies FromChild, () => resolve()));
      process.disconnect();
    });
}
