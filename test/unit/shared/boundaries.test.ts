import { resolve } from 'node:path';
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
