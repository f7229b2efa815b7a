// What a launch is asked to do, from process.argv and the environment (src/main/electron/launch.ts).
import { describe, expect, it } from 'vitest';
import { launchOptions, versionLine } from '../../src/main/electron/launch';

const packaged = ['/opt/Revival Messenger/revival-messenger'];
const fromSource = ['/usr/lib/electron/electron', '/home/me/revival'];

describe('launch options', () => {
  it('starts normally with no switches', () => {
    expect(launchOptions(packaged, {})).toEqual({ printVersion: false, smokeTest: false, testHooks: false });
    expect(launchOptions(fromSource, {})).toEqual({ printVersion: false, smokeTest: false, testHooks: false });
  });

  it('prints the version for --version, packaged or from source', () => {
    expect(launchOptions([...packaged, '--version'], {}).printVersion).toBe(true);
    expect(launchOptions([...fromSource, '--version'], {}).printVersion).toBe(true);
    expect(versionLine('Revival Messenger', '0.1.0')).toBe('Revival Messenger 0.1.0\n');
  });

  it('does not take the executable itself for a switch', () => {
    expect(launchOptions(['--version'], {}).printVersion).toBe(false);
  });

  it('runs the smoke test from the switch or the environment variable', () => {
    expect(launchOptions([...packaged, '--smoke-test'], {}).smokeTest).toBe(true);
    expect(launchOptions(packaged, { REVIVAL_SMOKE_TEST: '1' }).smokeTest).toBe(true);
    expect(launchOptions(packaged, { REVIVAL_SMOKE_TEST: 'true' }).smokeTest).toBe(true);
    expect(launchOptions(packaged, { REVIVAL_SMOKE_TEST: '0' }).smokeTest).toBe(false);
    expect(launchOptions(packaged, { REVIVAL_SMOKE_TEST: '' }).smokeTest).toBe(false);
  });

  it('installs the test hooks only when the tests ask', () => {
    expect(launchOptions(packaged, { REVIVAL_MESSENGER_TEST_HOOKS: '1' }).testHooks).toBe(true);
    expect(launchOptions(packaged, { REVIVAL_SMOKE_TEST: '1' }).testHooks).toBe(false);
  });
});
