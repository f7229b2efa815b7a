// The smoke switch's verdict (src/main/electron/smoke.ts), on a stand-in for the window's
// WebContents that emits what Electron emits and answers the page queries.
import { EventEmitter } from 'node:events';
import type { WebContents } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SMOKE_EXIT } from '../../src/main/electron/launch';
import { watchSmokeTest } from '../../src/main/electron/smoke';

class FakeContents extends EventEmitter {
  drawn = 0;
  crashed = false;
  executeJavaScript(code: string): Promise<unknown> {
    return Promise.resolve(code.includes('.crashed') ? this.crashed : this.drawn);
  }
}

function watch(timeoutMs = 30_000) {
  const contents = new FakeContents();
  const outcome = { pass: vi.fn(), fail: vi.fn() };
  watchSmokeTest(contents as unknown as WebContents, timeoutMs, outcome);
  const settled = (): Promise<void> =>
    vi.waitFor(() => expect(outcome.pass.mock.calls.length + outcome.fail.mock.calls.length).toBe(1));
  return { contents, outcome, settled };
}

afterEach(() => vi.useRealTimers());

describe('smoke test', () => {
  it('passes once the page has loaded and the interface has drawn itself', async () => {
    const { contents, outcome, settled } = watch();
    contents.emit('did-finish-load');
    contents.drawn = 1;
    await settled();
    expect(outcome.pass).toHaveBeenCalledOnce();
    expect(outcome.fail).not.toHaveBeenCalled();
  });

  it('fails when the page does not load', async () => {
    const { contents, outcome, settled } = watch();
    contents.emit('did-fail-load', {}, -6, 'ERR_FILE_NOT_FOUND', 'app://renderer/index.html');
    await settled();
    expect(outcome.fail).toHaveBeenCalledWith(
      'app://renderer/index.html failed to load: ERR_FILE_NOT_FOUND (-6)',
      SMOKE_EXIT.failedToLoad,
    );
  });

  it('fails when the renderer dies, the preload throws or the page logs an error', async () => {
    for (const [event, args, reason] of [
      ['render-process-gone', [{}, { reason: 'crashed' }], 'the renderer exited: crashed'],
      ['preload-error', [{}, '/app/preload.cjs', new Error('boom')], 'the preload /app/preload.cjs threw: boom'],
      [
        'console-message',
        [{ level: 'error', message: 'Refused to evaluate' }],
        'the page logged an error: Refused to evaluate',
      ],
    ] as const) {
      const { contents, outcome, settled } = watch();
      contents.emit(event, ...args);
      await settled();
      expect(outcome.fail).toHaveBeenCalledWith(reason, SMOKE_EXIT.failedToLoad);
    }
  });

  it('ignores console messages below error', async () => {
    const { contents, outcome, settled } = watch();
    contents.emit('console-message', { level: 'warning', message: 'deprecated' });
    contents.emit('did-finish-load');
    contents.drawn = 3;
    await settled();
    expect(outcome.pass).toHaveBeenCalledOnce();
  });

  it('fails when the interface shows its crash screen', async () => {
    const { contents, outcome, settled } = watch();
    contents.crashed = true;
    contents.drawn = 1;
    contents.emit('did-finish-load');
    await settled();
    expect(outcome.fail).toHaveBeenCalledWith('the interface crashed', SMOKE_EXIT.failedToLoad);
  });

  it('fails with its own exit code when nothing happens in time, and only once', async () => {
    vi.useFakeTimers();
    const { contents, outcome } = watch(30_000);
    contents.emit('did-finish-load');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(outcome.fail).toHaveBeenCalledWith('the contact list did not load within 30 s', SMOKE_EXIT.timedOut);
    contents.emit('did-fail-load', {}, -2, 'FAILED', 'app://renderer/index.html');
    contents.drawn = 1;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(outcome.fail).toHaveBeenCalledOnce();
    expect(outcome.pass).not.toHaveBeenCalled();
  });
});
