/**
 * The live plots of one method's run, drawn from its PruneEvents with the report's own SVG code
 * (src/report/svg.ts): the page shows what report.html will show, in the same drawing, and a
 * plotting library would add a dependency and a second look for four kinds of chart. Each figure
 * carries data-samples (how many values it draws), which the page's test watches grow.
 */
import type { EventGroup, PruneEvent, RestartSummary } from 'slimprune/internal';
// The drawing code from the sources, not the package: svg.ts imports nothing, while the built
// 'slimprune/internal' is one chunk whose top level registers tfjs kernels, which would put all of
// tfjs in the page's bundle for four kinds of chart.
import { annealingSvg, gammaHistogramSvg, lineChartSvg, widthsSvg } from '../src/report/svg.ts';

interface Curve {
  readonly loss: number[];
  readonly accuracy: number[];
}

export class MethodPlots {
  readonly element: HTMLElement;
  readonly #training = new Map<string, Curve>();
  #groups: readonly EventGroup[] = [];
  #importance: readonly (readonly Float32Array[])[] = [];
  #structure: Extract<PruneEvent, { type: 'structure' }> | undefined;
  readonly #restarts: RestartSummary[] = [];
  #widths: Extract<PruneEvent, { type: 'widths' }>['groups'] | undefined;
  #pending = false;

  constructor(readonly method: string) {
    this.element = document.createElement('article');
    this.element.className = 'method';
    this.element.dataset.method = method;
    this.element.innerHTML = `<h3>${method}</h3><div class="plots"></div>`;
  }

  add(event: PruneEvent): void {
    switch (event.type) {
      case 'progress': {
        const { stage, network, training } = event.progress;
        if (!training) return;
        const name = stage === 'fine-tune' ? 'fine-tuning' : `network ${(network ?? 0) + 1}`;
        const curve = this.#training.get(name) ?? { loss: [], accuracy: [] };
        this.#training.set(name, curve);
        curve.loss.push(training.loss);
        curve.accuracy.push(training.accuracy);
        break;
      }
      case 'networks':
        this.#groups = event.groups;
        this.#importance = event.importance;
        break;
      case 'anneal-restart':
        this.#restarts.push(event.summary);
        break;
      case 'structure':
        this.#structure = event;
        break;
      case 'widths':
        this.#widths = event.groups;
        break;
    }
    this.#schedule();
  }

  /** Redraws at most once a frame, however many events arrive. */
  #schedule(): void {
    if (this.#pending) return;
    this.#pending = true;
    requestAnimationFrame(() => {
      this.#pending = false;
      this.#draw();
    });
  }

  #draw(): void {
    const figures: string[] = [];
    const curves = [...this.#training];
    if (curves.length > 0) {
      const samples = curves.reduce((n, [, c]) => n + c.loss.length, 0);
      const series = (pick: (c: Curve) => number[]) => curves.map(([label, c]) => ({ label, values: pick(c) }));
      figures.push(figure('training-loss', samples, lineChartSvg('training loss', series((c) => c.loss), 'batch', 'cross-entropy'),
        `training loss per network (mean over the epoch so far): ${curves.map(([l]) => l).join(', ')}`));
      figures.push(figure('training-accuracy', samples, lineChartSvg('training accuracy', series((c) => c.accuracy), 'batch', 'accuracy'),
        'training accuracy per network'));
    }
    if (this.#importance.length > 0) {
      // Before the structure: the first network; after: the network whose thresholds were chosen.
      const k = this.#structure?.network ?? 0;
      const histograms = this.#groups.map((g, l) => gammaHistogramSvg(
        `${g.layers.join('+')} (${g.width}${this.#widths ? ` → ${this.#widths[l]!.kept}` : ''})`,
        this.#importance[k]![l]!,
        this.#structure?.candidates?.[k]?.[l] ?? [],
        this.#structure?.thresholds[l],
      ));
      figures.push(`<figure data-plot="gamma" data-samples="${this.#groups.length + (this.#structure ? 1 : 0)}"><div class="histograms">${histograms.join('')}</div>` +
        `<figcaption>|γ| of network ${k + 1}, per layer: dashed candidates, red the chosen threshold</figcaption></figure>`);
    }
    if (this.#restarts.length > 0) {
      const curvesOf = this.#restarts.map((r, i) => ({ label: `restart ${i + 1} (seed ${r.seed})`, ...r }));
      figures.push(figure('annealing', this.#restarts.length, annealingSvg('annealing', curvesOf),
        `annealing: ${this.#restarts.length} restart(s) so far, best energy so far (solid) over temperature`));
    }
    if (this.#widths) {
      figures.push(figure('widths', this.#widths.length, widthsSvg('widths per layer', this.#widths.map((g) => ({ name: g.layers.join('+'), before: g.width, after: g.kept }))),
        `channels per layer before (grey) and after (blue): ${this.#widths.map((g) => `${g.width} → ${g.kept}`).join(', ')}`));
    }
    this.element.querySelector('.plots')!.innerHTML = figures.join('');
  }
}

function figure(name: string, samples: number, svg: string, caption: string): string {
  return `<figure data-plot="${name}" data-samples="${samples}">${svg}<figcaption>${caption}</figcaption></figure>`;
}
