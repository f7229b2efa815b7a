// The smoke test: the app passes once the contact-list window has loaded its page and the
// interface has drawn itself into it without an error; it fails if the page fails to load, its
// renderer dies, the preload throws, a script logs an error, or none of that happens in time.
import type { WebContents } from 'electron';
import { SMOKE_EXIT } from './launch';

export interface SmokeOutcome {
  pass(): void;
  /** `exitCode` is one of SMOKE_EXIT's. */
  fail(reason: string, exitCode: number): void;
}

const DRAWN = "document.getElementById('root')?.childElementCount ?? 0";
const CRASHED = "document.querySelector('.crashed') !== null";

export function watchSmokeTest(contents: WebContents, timeoutMs: number, outcome: SmokeOutcome): void {
  let done = false;
  const finish = (result: () => void): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    result();
  };
  const fail = (reason: string, exitCode: number = SMOKE_EXIT.failedToLoad): void =>
    finish(() => outcome.fail(reason, exitCode));
  const timer = setTimeout(
    () => fail(`the contact list did not load within ${timeoutMs / 1000} s`, SMOKE_EXIT.timedOut),
    timeoutMs,
  );

  contents.on('did-fail-load', (_event, code, description, url) =>
    fail(`${url} failed to load: ${description} (${code})`),
  );
  contents.on('render-process-gone', (_event, details) => fail(`the renderer exited: ${details.reason}`));
  contents.on('preload-error', (_event, path, error) => fail(`the preload ${path} threw: ${error.message}`));
  contents.on('console-message', (event) => {
    if (event.level === 'error') fail(`the page logged an error: ${event.message}`);
  });
  contents.once('did-finish-load', () => {
    // The page has loaded; React draws on the next frames.
    const poll = async (): Promise<void> => {
      while (!done) {
        try {
          if ((await contents.executeJavaScript(CRASHED)) === true) return fail('the interface crashed');
          if (Number(await contents.executeJavaScript(DRAWN)) > 0) return finish(() => outcome.pass());
        } catch (err) {
          return fail(`the page could not be inspected: ${err instanceof Error ? err.message : String(err)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    void poll();
  });
}
