// The services layer must run without Electron (the browser bridge and the demo use it in plain
// Node), so nothing under src/main/app may import it, directly or through the engine.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const appDir = resolve(import.meta.dirname, '../../../src/main/app');

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [
    ...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? m[2] ?? '');
}

describe('services layer', () => {
  const files = readdirSync(appDir).filter((f) => f.endsWith('.ts'));

  it('has modules to check', () => {
    expect(files).toContain('core.ts');
  });

  it.each(files)('%s imports neither Electron nor the Electron glue', (file) => {
    for (const specifier of importsOf(join(appDir, file))) {
      expect(specifier).not.toMatch(/^electron(\/|$)|\/electron\/|^\.\.\/index$/);
    }
  });
});
