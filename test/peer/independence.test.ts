// The peer is useful only while it shares no protocol code with the client it checks.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;
// This file is left out: its own sample below would trip the check.
const sources = readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'independence.test.ts');

function imports(file: string): string[] {
  const text = readFileSync(join(here, file), 'utf8');
  return [
    ...text.matchAll(/\b(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? m[2] ?? '');
}

describe('test peer independence', () => {
  it('imports only Node, its own files and shared types (tests may add vitest and the server)', () => {
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      const test = file.endsWith('.test.ts');
      for (const spec of imports(file)) {
        const allowed =
          spec.startsWith('node:') ||
          /^\.\/[\w-]+$/.test(spec) ||
          spec.startsWith('../../src/shared/') ||
          (test && (spec === 'vitest' || spec.startsWith('../server/')));
        expect(allowed, `${file} imports ${spec}`).toBe(true);
      }
    }
  });

  it('sees every import form it is meant to catch', () => {
    const sample = `import { a } from '../../src/main/msnp/codec';\nexport * from "x";\nconst m = await import('y');`;
    const found = [
      ...sample.matchAll(/\b(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
    ].map((m) => m[1] ?? m[2]);
    expect(found).toEqual(['../../src/main/msnp/codec', 'x', 'y']);
  });
});
