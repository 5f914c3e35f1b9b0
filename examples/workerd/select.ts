// POST /select: contrast-sa's selection on posted γ vectors, the rule prune() applies
// (contrastSelection: candidate thresholds per network and layer, then simulated annealing over
// the contrast loss on the kernels), with the pipeline's defaults. The architecture comes as plain
// data: `groups` and `flops` are annealGroups(graph) and flopsModel(graph) of the network's
// pruning graph, computed where the model is (slimprune's buildGraph).
import { contrastSelection, type CandidateOptions, type ContrastSettings } from 'slimprune';
import type { AnnealGroup, ContrastMode, FlopsModel } from 'slimprune/kernels';
import { HttpError } from './http.ts';

export interface SelectRequest {
  /** gammas[k][l]: the BatchNorm γ of layer (group) l in network k; K >= 2. */
  readonly gammas: number[][][];
  readonly groups: AnnealGroup[];
  readonly flops: FlopsModel;
  readonly seed: number;
  readonly restarts?: number;
  readonly alpha?: number;
  readonly contrast?: ContrastMode;
  readonly candidates?: CandidateOptions;
  readonly cooling?: number;
  readonly movesPerTemperature?: number;
}

export interface SelectResponse {
  /** k*: the network whose structure differs least from the others'. */
  readonly network: number;
  /** k*'s threshold and kept width per layer: the chosen structure. */
  readonly thresholds: number[];
  readonly widths: number[];
  /** The annealing's lowest energy (contrast + α · kept FLOPs). */
  readonly energy: number;
  /** Every network's thresholds and widths at the chosen θ*, and its contrast to the others. */
  readonly networks: { thresholds: number[]; widths: number[]; contrast: number }[];
  /** The candidate thresholds per network and layer that the annealing chose among. */
  readonly candidates: number[][][];
  readonly restarts: { seed: number; energy: number; startFrom: string }[];
}

/** prune()'s defaults for these settings (resolveConfig in src/pipeline/config.ts). */
const PIPELINE_DEFAULTS = { restarts: 8, alpha: 0.01, contrast: 'width', candidates: { source: 'histogram' } } as const;

const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

function checkRequest(body: unknown): SelectRequest {
  const r = body as Partial<SelectRequest> | null;
  if (typeof r !== 'object' || r === null) throw new HttpError(400, 'the body must be a JSON object with gammas, groups, flops and seed');
  if (!Array.isArray(r.gammas) || r.gammas.length < 2) {
    throw new HttpError(400, 'gammas must hold the γ vectors of K >= 2 networks: gammas[k][l] is layer l of network k');
  }
  if (!Array.isArray(r.groups) || r.groups.length === 0) {
    throw new HttpError(400, "groups must list the layers' { width, minChannels, weight } (annealGroups of the pruning graph)");
  }
  const layers = r.groups.length;
  r.gammas.forEach((row, k) => {
    if (!Array.isArray(row) || row.length !== layers) throw new HttpError(400, `gammas[${k}] must have one γ vector per layer (${layers})`);
    row.forEach((g, l) => {
      if (!isNumberArray(g)) throw new HttpError(400, `gammas[${k}][${l}] must be an array of finite numbers`);
    });
  });
  if (typeof r.flops !== 'object' || r.flops === null) {
    throw new HttpError(400, 'flops must be the FLOPs model { constant, linear, edges } (flopsModel of the pruning graph)');
  }
  if (typeof r.seed !== 'number' || !Number.isInteger(r.seed) || r.seed < 0) throw new HttpError(400, 'seed must be a whole number >= 0');
  return r as SelectRequest;
}

export async function selectFromGammas(body: unknown): Promise<SelectResponse> {
  const request = checkRequest(body);
  const settings: ContrastSettings = {
    seed: request.seed,
    restarts: request.restarts ?? PIPELINE_DEFAULTS.restarts,
    alpha: request.alpha ?? PIPELINE_DEFAULTS.alpha,
    contrast: request.contrast ?? PIPELINE_DEFAULTS.contrast,
    candidates: { ...PIPELINE_DEFAULTS.candidates, ...request.candidates },
    cooling: request.cooling,
    movesPerTemperature: request.movesPerTemperature,
  };
  // A channel's importance is |γ| (bnScaleImportance; for a layer group of several BatchNorms,
  // post their mean |γ| per channel, as it computes).
  const importance = request.gammas.map((row) => row.map((g) => Float32Array.from(g, Math.abs)));
  const { candidates, selection } = await contrastSelection(settings, importance, request.groups, request.flops);
  const k = selection.kStar;
  return {
    network: k,
    thresholds: selection.thresholds[k]!,
    widths: selection.widths[k]!,
    energy: selection.energy,
    networks: selection.thresholds.map((thresholds, j) => ({
      thresholds, widths: selection.widths[j]!, contrast: selection.contrastPerNetwork[j]!,
    })),
    candidates: candidates.map((row) => row.map((c) => c.thresholds)),
    restarts: selection.restarts.map((r) => ({ seed: r.seed, energy: r.energy, startFrom: r.startFrom })),
  };
}
