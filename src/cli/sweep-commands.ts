/**
 * `slimprune sweep` (a grid of prune runs, here or over a queue) and `slimprune worker` (a
 * process that takes a queue's cells), over the API's sweep() and startQueueWorker().
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { PruneConfig } from 'slimprune/internal';
import {
  sweep, startQueueWorker, progressLine, PRUNE_METHODS, REFERENCE_TASKS,
  type PruneMethod, type PruneTarget, type ReferenceTask, type SweepGrid, type SweepProgress,
} from 'slimprune/internal';
import { BUDGETS, given, int, real, targetFlag } from './options.ts';
import { forkedCellExecutor, registerRunCellCommand } from './cell-process.ts';

const list = <T>(parse: (s: string) => T) => (v: string) => v.split(',').map((s) => parse(s.trim()));

/** --seeds 1,2,3 or 1-5 (or both: 1-3,7). */
function seedsFlag(v: string): number[] {
  return v.split(',').flatMap((part) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new InvalidArgumentError('give seeds as 1,2,3 or a range 1-5');
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (b < a) throw new InvalidArgumentError(`the seed range ${part} runs backwards`);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

const targetOrOwn = (s: string): PruneTarget | null => (s === 'own' ? null : targetFlag(s));
const methodName = (s: string): PruneMethod => {
  if (!(PRUNE_METHODS as readonly string[]).includes(s)) throw new InvalidArgumentError(`unknown method '${s}'; choose among ${PRUNE_METHODS.join(', ')} (variants: in a --grid file)`);
  return s as PruneMethod;
};
const taskName = (s: string): ReferenceTask => {
  if (!(REFERENCE_TASKS as readonly string[]).includes(s)) throw new InvalidArgumentError(`unknown task '${s}'; choose among ${REFERENCE_TASKS.join(', ')}`);
  return s as ReferenceTask;
};

/** A progress line on stderr when the counts change, or every few seconds while cells run. */
function sweepPrinter(stream: NodeJS.WriteStream): (p: SweepProgress) => void {
  let lastCounts = '';
  let lastTime = 0;
  return (p) => {
    const counts = `${p.done}/${p.failed}/${p.running}`;
    const now = Date.now();
    if (counts === lastCounts && now - lastTime < (stream.isTTY ? 500 : 5000)) return;
    lastCounts = counts;
    lastTime = now;
    const line = progressLine(p);
    stream.write(stream.isTTY ? `\r\x1b[2K${line.slice(0, (stream.columns || 200) - 1)}` : `${line}\n`);
  };
}

async function readGrid(file: string): Promise<SweepGrid> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the grid file ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as SweepGrid;
  } catch (error) {
    throw new Error(`the grid file ${file} is not JSON: ${(error as Error).message}`);
  }
}

/** The flags that set every cell's base config, by the config field each sets. */
const BASE_FLAGS = {
  networks: 'networks', trainImages: 'trainImages', epochs: 'epochs', fineTuneEpochs: 'fineTuneEpochs', restarts: 'restarts', workers: 'workers',
} as const satisfies Record<string, keyof PruneConfig>;

export function registerSweepCommands(program: Command): void {
  registerRunCellCommand(program);
  program
    .command('sweep')
    .description('prune every cell of a grid (tasks × methods × targets × λ × seeds), here or on a queue of workers; started again, it runs only the cells without a result')
    .option('--grid <file.json>', 'the grid as JSON: { tasks, models, methods (names or { label, method, ...settings }), seeds, targets, lambdas, base }; the flags below override its fields')
    .option('--tasks <t,…>', 'reference tasks (default mnist-lenet)', list(taskName))
    .option('--models <model.json,…>', "your own models, pruned on each task's data and recipe")
    .option('--methods <m,…>', `methods: ${PRUNE_METHODS.join(', ')}`, list(methodName))
    .option('--seeds <list>', 'seeds: 1,2,3 or 1-5', seedsFlag)
    .option('--targets <list>', "sizes: flops=0.3,params=0.5,own (own: the method's own thresholds)", list(targetOrOwn))
    .option('--lambdas <list>', "λ values (default the recipe's)", list(real('--lambdas')))
    .addOption(new Option('--budget <budget>', 'training budget preset of every cell').choices(Object.keys(BUDGETS)))
    .option('--networks <K>', 'networks for contrast-sa', int('--networks'))
    .option('--train-images <n>', 'a seeded subset of the training set', int('--train-images'))
    .option('--epochs <n>', 'sparsity-training epochs', int('--epochs'))
    .option('--fine-tune-epochs <n>', 'fine-tuning epochs', int('--fine-tune-epochs'))
    .option('--restarts <R>', 'annealing restarts', int('--restarts'))
    .option('--workers <n>', 'worker threads for the trainings of a cell run here (default 1)', int('--workers'))
    .option('--parallel <n>', 'cells run at once here, each in a process of its own (default 1); e.g. one per core with --workers 1', int('--parallel'))
    .requiredOption('--out <folder>', "the sweep's folder: one result per cell, the shared network cache (networks/), table.md, table.json, report.html; an existing one is resumed")
    .option('--cache <folder>', "network cache folder instead of the sweep's networks/ (every worker must reach it)")
    .option('--queue <redis-url>', 'run the cells as BullMQ jobs on this Redis (redis://host:port) for `slimprune worker` processes to take')
    .option('--queue-name <name>', 'the queue (default slimprune-sweep)')
    .option('--retry-failed', 'run the cells that failed before again (default: keep their errors)', false)
    .option('--summarize', "run nothing: write table.md, table.json and report.html from the results there are (the sweep so far)", false)
    .option('--json', 'print table.json to stdout when done', false)
    .action(async (o) => {
      const file = o.grid === undefined ? undefined : await readGrid(o.grid as string);
      const base = {
        ...file?.base,
        ...(o.budget !== undefined && BUDGETS[o.budget as string]),
        ...given(o, BASE_FLAGS),
      };
      const methods = o.methods ?? file?.methods;
      const seeds = o.seeds ?? file?.seeds;
      if (!methods || !seeds) throw new Error('a sweep needs methods and seeds: pass --methods and --seeds, or a --grid file that has them');
      const grid: SweepGrid = {
        methods, seeds, base,
        ...((o.tasks ?? file?.tasks) !== undefined && { tasks: o.tasks ?? file?.tasks }),
        ...((o.models ?? file?.models) !== undefined && { models: o.models === undefined ? file!.models! : (o.models as string).split(',') }),
        ...((o.targets ?? file?.targets) !== undefined && { targets: o.targets ?? file?.targets }),
        ...((o.lambdas ?? file?.lambdas) !== undefined && { lambdas: o.lambdas ?? file?.lambdas }),
      };
      const parallel = (o.parallel as number | undefined) ?? 1;
      if (parallel < 1) throw new InvalidArgumentError('--parallel must be at least 1');
      if (parallel > 1 && o.queue !== undefined) throw new Error('--parallel runs cells here; over a queue, start one `slimprune worker` per core instead');
      const { summary, ran } = await sweep(grid, {
        folder: o.out as string,
        ...(parallel > 1 && { parallel, execute: forkedCellExecutor(process.argv[1]!) }),
        ...(o.cache !== undefined && { cache: o.cache as string }),
        ...(o.queue !== undefined && { queue: o.queue as string }),
        ...(o.queueName !== undefined && { queueName: o.queueName as string }),
        retryFailed: o.retryFailed as boolean,
        summarizeOnly: o.summarize as boolean,
        onProgress: sweepPrinter(process.stderr),
      });
      const pending = summary.counts.pending > 0 ? `, ${summary.counts.pending} not run yet` : '';
      process.stderr.write(`\nran ${ran} cells (${summary.counts.total - ran - summary.counts.pending} had results); ${summary.counts.done} done, ${summary.counts.failed} failed${pending}; wrote ${o.out as string}/table.md and report.html\n`);
      if (o.json) process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
      else for (const b of summary.pareto) process.stdout.write(`${b.task}${b.model === null ? '' : ` · ${b.model}`} · ${b.band}${b.lambda === null ? '' : ` · λ ${b.lambda}`}: Pareto front ${b.front.join(', ')}; most accurate on it: ${b.best}${b.missing.length > 0 ? ` (so far: no result yet for ${b.missing.join(', ')})` : ''}\n`);
    });

  program
    .command('worker')
    .description("take a sweep's cells from a queue and run them, one at a time, until stopped (SIGINT or SIGTERM)")
    .requiredOption('--queue <redis-url>', 'the Redis of the sweep (redis://host:port)')
    .option('--queue-name <name>', 'the queue (default slimprune-sweep)')
    .option('--name <name>', 'this worker in progress and results (default host:pid)')
    .option('--store <folder>', "the sweep's folder as this machine mounts it, if not at the coordinator's path")
    .option('--cache <folder>', "the network cache as this machine mounts it, if the sweep has one outside its folder")
    .option('--workers <n>', "pool threads for a cell's trainings on this machine (default: the sweep's --workers); the results do not depend on it", int('--workers'))
    .option('--lock-duration <ms>', "how long a job's lock holds without renewal; a dead worker's job is taken again after it (default 30000)", int('--lock-duration'))
    .option('--stalled-interval <ms>', 'how often to look for stalled jobs (default 15000)', int('--stalled-interval'))
    .action(async (o) => {
      const name = (o.name as string | undefined) ?? `${hostname()}:${process.pid}`;
      const say = (s: string) => process.stderr.write(`${s}\n`);
      const handle = await startQueueWorker({
        queue: o.queue as string, name, execute: forkedCellExecutor(process.argv[1]!),
        ...(o.queueName !== undefined && { queueName: o.queueName as string }),
        ...(o.store !== undefined && { store: o.store as string }),
        ...(o.cache !== undefined && { cache: o.cache as string }),
        ...(o.workers !== undefined && { trainingWorkers: o.workers as number }),
        ...(o.lockDuration !== undefined && { lockDurationMs: o.lockDuration as number }),
        ...(o.stalledInterval !== undefined && { stalledIntervalMs: o.stalledInterval as number }),
        onProgress: (a) => say(`[worker ${a.worker}] ${a.cell}: ${a.message}`),
        onCell: (r) => say(`[worker ${name}] cell ${r.id} ${r.status}${r.error ? `: ${r.error}` : ''} (${r.execution.seconds.toFixed(1)} s)`),
        onDefer: (cell) => say(`[worker ${name}] ${cell}: another worker trains its networks; put back for later, taking a cell that needs none of theirs`),
        onError: (e) => say(`[worker ${name}] queue: ${e.message}`),
      });
      say(`[worker ${name}] taking cells from ${o.queue as string}`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          say(`[worker ${name}] stopping after the cell it runs`);
          handle.close().then(resolve, resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
