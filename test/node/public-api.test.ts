/**
 * The public API is the size a user can hold: 'slimprune' (the pruning API) under 60 values,
 * each subpath loading on its own from the built package, and the internal entry a superset of
 * them all, so the suites (which import 'slimprune/internal') exercise every public name.
 */
import { describe, expect, test } from 'vitest';
import * as main from 'slimprune';
import * as kernels from 'slimprune/kernels';
import * as tfjs from 'slimprune/tfjs';
import * as data from 'slimprune/data';
import * as internal from 'slimprune/internal';

const entries = { slimprune: main, 'slimprune/kernels': kernels, 'slimprune/tfjs': tfjs, 'slimprune/data': data };

describe('public API', () => {
  test("'slimprune' exports fewer than 60 values", () => {
    expect(Object.keys(main).length).toBeGreaterThan(20);
    expect(Object.keys(main).length).toBeLessThan(60);
  });

  test.each(Object.entries(entries))('%s exports only defined values, all of them in the internal entry too', (_, entry) => {
    const names = Object.keys(entry);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect((entry as Record<string, unknown>)[name], name).toBeDefined();
      expect((internal as Record<string, unknown>)[name], `${name} is the same object in slimprune/internal`).toBe((entry as Record<string, unknown>)[name]);
    }
  });

  test('no name means two things across the public entries', () => {
    const seen = new Map<string, unknown>();
    for (const entry of Object.values(entries)) {
      for (const [name, value] of Object.entries(entry)) {
        if (seen.has(name)) expect(value, name).toBe(seen.get(name));
        seen.set(name, value);
      }
    }
  });

  test('the README examples use names these entries export', () => {
    expect(typeof main.prune).toBe('function');
    expect(typeof main.writeRunFolder).toBe('function');
    expect(typeof kernels.conv2d).toBe('function');
    expect(typeof kernels.initKernels).toBe('function');
    expect(typeof tfjs.registerWasmKernels).toBe('function');
    expect(typeof data.loadMnist).toBe('function');
    expect(typeof data.Batcher).toBe('function');
  });
});
