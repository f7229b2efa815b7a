// The CI workflow cannot run here, so npm test checks it: against GitHub's published workflow
// schema (action-validator ships SchemaStore's), and for the steps the project relies on.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const source = readFileSync(resolve(import.meta.dirname, '../../.github/workflows/ci.yml'), 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  if?: string;
  needs?: string | string[];
  strategy?: { matrix: { os: string[] } };
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  steps: Step[];
}
const workflow = parse(source) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const build = workflow.jobs['build'] as Job;
const release = workflow.jobs['release'] as Job;

/** The steps that run a command matching `pattern`, with the condition they run under. */
function running(pattern: RegExp): Step[] {
  return build.steps.filter((step) => step.run !== undefined && pattern.test(step.run));
}

describe('CI workflow', () => {
  it('is a valid GitHub Actions workflow', () => {
    expect(validateWorkflow(source).errors).toEqual([]);
  });

  it('catches a mistake (so the check above can fail)', () => {
    const broken = source.replace('runs-on: ${{ matrix.os }}', 'run-on: ${{ matrix.os }}');
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it('runs for pushes, pull requests and v* tags', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.on['push']).toMatchObject({ tags: ['v*'] });
  });

  it('builds on Linux, Windows and macOS with Node 24 and a clean npm ci', () => {
    expect(build['runs-on']).toBe('${{ matrix.os }}');
    expect(build.strategy?.matrix.os).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
    const node = build.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(node?.with?.['node-version']).toBe(24);
    expect(running(/^npm ci$/)).toHaveLength(1);
  });

  it('fetches Electron the newcomer way, npm start, before testing, and requires it', () => {
    expect(build.env?.['REVIVAL_REQUIRE_ELECTRON']).toBe('1');
    const install = build.steps.findIndex((step) => step.run === 'npm ci');
    const firstStart = build.steps.findIndex((step) => step.run?.endsWith('npm start'));
    const firstTest = build.steps.findIndex((step) => step.run?.endsWith('npm test'));
    expect(install).toBeGreaterThanOrEqual(0);
    // Nothing else downloads the binary: the README's first command must.
    expect(build.steps.some((step) => step.run?.includes('electron/install.js'))).toBe(false);
    expect(firstStart).toBeGreaterThan(install);
    expect(firstTest).toBeGreaterThan(firstStart);
  });

  it('runs npm test under Xvfb on Linux and as it is elsewhere', () => {
    const tests = running(/npm test$/);
    expect(tests.map((step) => [step.if, step.run])).toEqual([
      ["runner.os == 'Linux'", 'xvfb-run --auto-servernum npm test'],
      ["runner.os != 'Linux'", 'npm test'],
    ]);
  });

  it('runs the README’s first command, npm start, as a smoke test on every OS', () => {
    const starts = running(/npm start$/);
    expect(starts.map((step) => step.if).sort()).toEqual(["runner.os != 'Linux'", "runner.os == 'Linux'"]);
    for (const step of starts) expect(step.env?.['REVIVAL_SMOKE_TEST']).toBe('1');
    expect(starts.find((step) => step.if === "runner.os == 'Linux'")?.run).toMatch(/^xvfb-run /);
  });

  it('packages and uploads the installers of every platform', () => {
    expect(running(/^npm run package\b/)).toHaveLength(1);
    const upload = build.steps.find((step) => step.name === 'Upload installers');
    expect(upload?.uses).toMatch(/^actions\/upload-artifact@/);
    for (const kind of ['AppImage', 'deb', 'exe', 'dmg']) expect(String(upload?.with?.['path'])).toContain(`*.${kind}`);
  });

  it('installs the .deb and starts the AppImage on Linux, smoke-testing each', () => {
    const [deb] = running(/apt-get install -y \.\/dist\/.*\.deb/);
    expect(deb?.if).toBe("runner.os == 'Linux'");
    expect(deb?.run).toContain('REVIVAL_SMOKE_TEST=1 xvfb-run');
    expect(deb?.run).toMatch(
      /REVIVAL_ELECTRON_BINARY=.*playwright test --config playwright\.electron\.config\.ts --grep @smoke/s,
    );
    const [appImage] = running(/\.AppImage/);
    expect(appImage?.if).toBe("runner.os == 'Linux'");
    expect(appImage?.run).toContain('REVIVAL_SMOKE_TEST=1 xvfb-run');
    expect(appImage?.run).toMatch(/REVIVAL_ELECTRON_BINARY="\$appimage"/);
  });

  it('attaches the installers to a draft release for a v* tag, after the builds pass', () => {
    expect(release.if).toBe("startsWith(github.ref, 'refs/tags/v')");
    expect(release.needs).toBe('build');
    expect(release.permissions).toEqual({ contents: 'write' });
    expect(release.steps.map((step) => step.run ?? '').join('\n')).toMatch(/gh release create .* --draft/);
  });
});
