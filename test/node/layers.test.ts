/**
 * The layout rule of the README's "Layout" section, held by the compiler's own reading of the
 * imports: every folder of src/ is one layer, and a file imports only from its own folder or from
 * a layer below it, so no import runs upward and none runs in a circle. Type-only imports count:
 * a type that must come from above is a sign that it lives in the wrong place.
 */
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Lowest first. The entries (src/*.ts but env.ts) sit on top of everything and nothing imports them. */
export const LAYERS = [
  'env', 'platform', 'wasm', 'kernels', 'formats', 'infer', 'tfjs', 'data', 'model', 'train', 'select', 'prune', 'pruner', 'onnx', 'report', 'pool', 'pipeline', 'sweep', 'cli',
] as const;
const ENTRY_RANK = LAYERS.length;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The layer of a file: its top folder under src/, 'env' for src/env.ts, or an entry. */
function layerOf(file: string): { name: string; rank: number } {
  const parts = relative(SRC, file).split(sep);
  if (parts.length === 1) return parts[0] === 'env.ts' ? { name: 'env', rank: 0 } : { name: `entry ${parts[0]}`, rank: ENTRY_RANK };
  const rank = (LAYERS as readonly string[]).indexOf(parts[0]!);
  return { name: parts[0]!, rank };
}

/** Every relative module specifier of a file: imports, re-exports, dynamic imports, `import type`. */
function relativeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteral(arg)) found.push(arg.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((s) => s.startsWith('.')).map((s) => normalize(join(dirname(file), s)));
}

/** Imports that run upward: a file importing a layer above its own, or anything importing an entry. */
function upwardImports(graph: ReadonlyMap<string, readonly string[]>): string[] {
  return [...graph].flatMap(([f, deps]) => {
    const from = layerOf(f);
    return deps.filter((d) => {
      const to = layerOf(d);
      return to.rank === ENTRY_RANK || (to.rank > from.rank && from.rank !== ENTRY_RANK);
    }).map((d) => `${show(f)} (${from.name}) → ${show(d)} (${layerOf(d).name})`);
  });
}

/** The import circles: Tarjan's strongly connected components of more than one file (or a self-import). */
function importCircles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const connect = (v: string): void => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!order.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(show(w));
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(component.sort());
    }
  };
  for (const f of graph.keys()) if (!order.has(f)) connect(f);
  return circles;
}

const show = (f: string) => relative(SRC, f).split(sep).join('/');
const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, relativeImports(f)]));

describe('layout', () => {
  test('every folder of src/ is a layer of the list', () => {
    const unknown = files.filter((f) => layerOf(f).rank < 0).map(show);
    expect(unknown, `folders not in LAYERS (add them in their place, and to the README's layout)`).toEqual([]);
  });

  test('every relative import resolves to a source file', () => {
    const missing = [...graph].flatMap(([f, deps]) => deps.filter((d) => !graph.has(d)).map((d) => `${show(f)} → ${relative(SRC, d)}`));
    expect(missing).toEqual([]);
  });

  test('no import runs upward', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  test('no import runs in a circle', () => {
    expect(importCircles(graph)).toEqual([]);
  });

  test('the checks flag an upward import, an import of an entry and a circle', () => {
    const at = (p: string) => join(SRC, p);
    const bad = new Map<string, string[]>([
      [at('platform/files.ts'), [at('pipeline/prune.ts')]],
      [at('pipeline/prune.ts'), [at('platform/md5.ts')]],
      [at('platform/md5.ts'), []],
      [at('model/graph.ts'), [at('index.ts'), at('model/cost.ts')]],
      [at('model/cost.ts'), [at('model/graph.ts')]],
      [at('index.ts'), []],
    ]);
    expect(upwardImports(bad)).toEqual([
      'platform/files.ts (platform) → pipeline/prune.ts (pipeline)',
      'model/graph.ts (model) → index.ts (entry index.ts)',
    ]);
    expect(importCircles(bad)).toEqual([['model/cost.ts', 'model/graph.ts']]);
    // And the real tree was read: the parser found the imports.
    expect(files.length).toBeGreaterThan(100);
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
  });
});
