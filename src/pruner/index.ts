// Everything the pruner stage exports (src/internal.ts; the public part is src/index.ts).
export { createPruner, type Pruner, type CoupledLayers, type PrunerCallbackOptions } from './pruner.ts';
export { resolvePrunerOptions, groupMinimums, type PrunerOptions, type PrunerMethod, type ResolvedPrunerOptions } from './options.ts';
export { planStructure, type PrunePlan, type PlanGroup } from './plan.ts';
export { sparsityStep, type SparsityStep } from './sparsity-step.ts';
