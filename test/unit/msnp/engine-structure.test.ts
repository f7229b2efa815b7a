// The protocol engine's module graph: no import cycles (type imports included), and no code that
// compares dialect numbers instead of asking the dialect table.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ENGINE = resolve(import.meta.dirname, '../../../src/main/msnp');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each engine file and the engine files it imports or re-exports from. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((f) => f.fileName)
      .filter((name) => name.startsWith('.'))
      .flatMap((name) => {
        const base = resolve(dirname(file), name);
        return [`${base}.ts`, join(base, 'index.ts')].filter((candidate) => known.has(candidate));
      });
    graph.set(file, targets);
  }
  return graph;
}

/** Every cycle, each as the list of its members starting from the smallest name. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found = new Map<string, string[]>();
  const walk = (node: string, path: string[]): void => {
    for (const next of graph.get(node) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const cycle = path.slice(at);
        const start = cycle.indexOf([...cycle].sort()[0] ?? '');
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.set(rotated.join(' → '), rotated);
      } else {
        walk(next, [...path, next]);
      }
    }
  };
  for (const node of graph.keys()) walk(node, [node]);
  return [...found.values()];
}

describe('engine structure', () => {
  const files = sources(ENGINE);

  it('finds cycles when there are some', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('has no import cycles', () => {
    const cycles = findCycles(importGraph(files)).map((c) => c.map((f) => relative(ENGINE, f)).join(' → '));
    expect(cycles).toEqual([]);
  });

  it('asks the dialect table instead of comparing dialect numbers', () => {
    const comparison = /\bdialect\w*\s*[<>]=?\s*\d|\d\s*[<>]=?\s*dialect/i;
    const offending = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, where: `${relative(ENGINE, file)}:${i + 1}` }))
        .filter(({ line }) => comparison.test(line))
        .map(({ where, line }) => `${where}: ${line.trim()}`),
    );
    expect(offending).toEqual([]);
    expect(comparison.test('if (dialect >= 10) {')).toBe(true);
  });
});
