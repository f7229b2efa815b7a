// Proxies and the HTTP gateway in the app: a password-protected SOCKS5 proxy (microsocks) set in
// Options, and the sign-in progress telling that the gateway is being tried.
import { freePort, proxiesMissing, startMicrosocks } from '../integration/proxy-support';
import { startBridge } from './bridge/bridge';
import { CONTACT_LIST_VIEWPORT, account, expect, presetFor, test } from './harness';

const alice = account('Alice', ['Bob']);
const bob = account('Bob', ['Alice']);

test('sets a SOCKS5 proxy with a password in Options, signs in through it, and names the proxy when it is down', async ({
  msn,
}) => {
  test.skip(proxiesMissing !== undefined, `${proxiesMissing ?? ''}: install microsocks and tinyproxy to run it`);
  const proxy = await startMicrosocks({ user: 'office', password: 'pr0xy-s3cret' });
  try {
    const server = await msn.server([alice, bob]);
    const user = await msn.user(server, alice);
    const page = await user.openContactList();
    await user.signIn(page);

    await page.getByRole('button', { name: 'Tools' }).click();
    await page.getByRole('menuitem', { name: 'Options...' }).click();
    const options = page.getByRole('dialog', { name: 'Options' });
    await options.getByRole('tab', { name: 'Connection' }).click();
    await options.getByLabel('Proxy', { exact: true }).selectOption('socks5');
    await options.getByLabel('Proxy host').fill('127.0.0.1');
    await options.getByLabel('Proxy port').fill(String(proxy.port));
    await options.getByLabel('Proxy user name').fill('office');
    await options.getByLabel('Proxy password').fill('pr0xy-s3cret');
    await msn.screenshot(page, 'options-connection');
    await options.getByRole('button', { name: 'OK' }).click();
    await expect(options).toBeHidden();
    const settings = await user.call('settings:get', {});
    expect(settings.network).toEqual({
      proxy: { type: 'socks5', host: '127.0.0.1', port: proxy.port, username: 'office' },
      gatewayFallback: true,
    });
    expect(JSON.stringify(settings)).not.toContain('pr0xy-s3cret');

    await user.call('account:sign-out', {});
    await user.signIn(page);

    // The session ran through the proxy: without it the next sign-in says the proxy is the problem.
    await user.call('account:sign-out', {});
    await proxy.stop();
    await page.getByLabel('Password:').fill(alice.password);
    await page.getByRole('button', { name: 'Sign In' }).click();
    await expect(page.getByRole('alert')).toContainText(/Proxy socks5 127\.0\.0\.1:\d+: cannot be reached/);
  } finally {
    await proxy.stop();
  }
});

test('says in the sign-in progress that it is trying the HTTP gateway when the MSNP port is closed', async ({
  msn,
  browser,
}) => {
  const server = await msn.server([alice, bob]);
  const closed = await freePort();
  const preset = presetFor(server);
  const bridge = await startBridge({ presets: [{ ...preset, server: { ...preset.server, port: closed } }] });
  const context = await browser.newContext({ viewport: CONTACT_LIST_VIEWPORT });
  try {
    const page = await context.newPage();
    await page.goto(bridge.url);
    await page.getByLabel('E-mail address:').fill(alice.email);
    await page.getByLabel('Password:').fill(alice.password);
    // The detail may show only for a moment on loopback: record every text the progress shows.
    await page.evaluate(() => {
      const g = globalThis as unknown as {
        details: string[];
        document: { body: unknown; querySelector(s: string): { textContent: string | null } | null };
        MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
      };
      g.details = [];
      new g.MutationObserver(() => {
        const text = g.document.querySelector('.sign-in-detail')?.textContent;
        if (text && g.details.at(-1) !== text) g.details.push(text);
      }).observe(g.document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole('button', { name: 'Sign In' }).click();
    await expect(page.getByRole('tree', { name: 'Contacts' })).toBeVisible();
    const details = await page.evaluate(() => (globalThis as unknown as { details: string[] }).details);
    expect(details).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Could not connect directly \\(Could not connect to 127\\.0\\.0\\.1:${closed}: .*\\)\\. Trying the HTTP gateway…$`,
        ),
      ),
    ]);
  } finally {
    await context.close();
    await bridge.close();
  }
});
