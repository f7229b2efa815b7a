import { readdirSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

async function restrictedImportErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('process boundaries (lint)', () => {
  it('forbids electron in the protocol engine', async () => {
    const errors = await restrictedImportErrors(
      'src/main/msnp/probe.ts',
      "import { app } from 'electron';\nvoid app;\n",
    );
    expect(errors.join('\n')).toMatch(/never import electron/);
  });

  it('allows electron in the main-process glue', async () => {
    expect(await restrictedImportErrors('src/main/probe.ts', "import { app } from 'electron';\nvoid app;\n")).toEqual(
      [],
    );
  });

  it.each([
    ["import { readFileSync } from 'node:fs';\nvoid readFileSync;\n", /never touches Node/],
    ["import fs from 'fs';\nvoid fs;\n", /never touches Node/],
    ["import { ipcRenderer } from 'electron';\nvoid ipcRenderer;\n", /only through window.msn/],
    ["import { FrameDecoder } from '../../main/msnp/codec';\nvoid FrameDecoder;\n", /only src\/shared/],
  ])('forbids %j in the renderer', async (code, message) => {
    expect((await restrictedImportErrors('src/renderer/src/probe.ts', code)).join('\n')).toMatch(message);
  });

  it.each([
    "import { FrameDecoder } from '../../src/main/msnp/codec';\nvoid FrameDecoder;\n",
    "import type { Frame } from '../../src/main/msnp/codec';\nexport type F = Frame;\n",
  ])('forbids protocol code from the client in the reference server: %j', async (code) => {
    expect((await restrictedImportErrors('test/server/probe.ts', code)).join('\n')).toMatch(/independent/);
  });

  it('allows the reference server to import shared types', async () => {
    const code = "import type { StatusTone } from '../../src/shared/status';\nexport type S = StatusTone;\n";
    expect(await restrictedImportErrors('test/server/probe.ts', code)).toEqual([]);
  });

  it('allows the renderer to import the shared contract', async () => {
    const code = "import type { MsnApi } from '../../shared/ipc';\nexport type A = MsnApi;\n";
    expect(await restrictedImportErrors('src/renderer/src/probe.ts', code)).toEqual([]);
  });
});

function compileErrors(configFile: string, file: string): string[] {
  const config = ts.readConfigFile(resolve(root, configFile), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram([resolve(root, file)], { ...parsed.options, composite: false, noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('process boundaries (compiler)', () => {
  const probe = 'test/fixtures/boundaries/renderer-uses-node.ts';

  it('the renderer config cannot see Node modules', () => {
    expect(compileErrors('tsconfig.web.json', probe).join('\n')).toMatch(/Cannot find module 'node:fs'/);
  });

  it('the node config compiles the same file', () => {
    expect(compileErrors('tsconfig.node.json', probe)).toEqual([]);
  });
});

describe('the reference server is independent of the client engine', () => {
  const dir = resolve(root, 'test/server');

  it('imports nothing from src/ except src/shared', () => {
    const offenders: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(resolve(dir, file), 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1] ?? '';
        if (!spec.startsWith('.')) continue;
        const target = relative(root, resolve(dir, spec));
        if (target.startsWith('src/') && !target.startsWith('src/shared/')) offenders.push(`${file}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
