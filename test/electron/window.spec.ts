// The app as it starts: one contact-list window, locked down the way docs/DESKTOP.md says.
import { expect, test } from './app';

test('starts with exactly one contact-list window, sandboxed, with its CSP @smoke', async ({ desktop }) => {
  const running = await desktop.launch({ profile: desktop.profile() });
  desktop.watch(running, 'app');
  const page = running.contactList;
  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
  await desktop.screenshot(page, 'sign-in');

  const windows = await running.windows();
  expect(windows).toHaveLength(1);
  expect(windows[0]?.url).toBe('app://renderer/index.html#/');
  expect(windows[0]?.visible).toBe(true);

  const [preferences] = await running.webPreferences();
  expect(preferences).toMatchObject({
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
  });
  // Where the OS reports it, the renderer really runs in the sandbox.
  if (process.platform !== 'linux') {
    const renderers = await running.app.evaluate(({ app }) =>
      app.getAppMetrics().filter((metric) => metric.type === 'Tab'),
    );
    expect(renderers.length).toBeGreaterThan(0);
    for (const renderer of renderers) expect(renderer.sandboxed).toBe(true);
  }

  // The page sees the bridge and nothing of Node or Electron (and the bridge exists only with
  // context isolation: contextBridge refuses to work without it).
  const globals = await page.evaluate(() => {
    const page = globalThis as unknown as Record<string, unknown>;
    return {
      require: typeof page['require'],
      process: typeof page['process'],
      msn: Object.keys((page['msn'] as object | undefined) ?? {}).sort(),
    };
  });
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', msn: ['invoke', 'on'] });

  // The app's scheme answers with the policy (asked through the same session the windows use).
  const policy = await running.app.evaluate(async ({ net }) => {
    const response = await net.fetch('app://renderer/index.html');
    return response.headers.get('content-security-policy') ?? '';
  });
  expect(policy).toContain("default-src 'none'");
  expect(policy).toContain("script-src 'self'");

  // Navigation away from the app and new windows are refused.
  await page.evaluate(() => {
    (globalThis as unknown as { location: { href: string } }).location.href = 'file:///';
  });
  await expect(page.waitForURL((url) => url.protocol !== 'app:', { timeout: 2_000 })).rejects.toThrow();
  const opened = await page.evaluate(
    () => (globalThis as unknown as { open(url: string): unknown }).open('https://example.invalid/') === null,
  );
  expect(opened).toBe(true);
  expect(await running.windows()).toHaveLength(1);
  expect(page.url()).toBe('app://renderer/index.html#/');

  // Signed out, the tray shows the offline icon and offers no status.
  const tray = await running.tray();
  expect(tray?.icon).toBe('offline');
  expect(tray?.imageSize.width).toBeGreaterThan(0);
  expect(tray?.tooltip).toBe('Revival Messenger (not signed in)');
  expect(tray?.checked).toBeUndefined();
});
