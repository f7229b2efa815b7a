import { account, expect, test } from './harness';

/** What the progress recorder uses in the page (the specs compile without the DOM library). */
interface PageGlobals {
  progressSeen: string[];
  document: { body: unknown; querySelector(selector: string): { textContent: string | null } | null };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
}

const alice = account('Alice', ['Bob']);
const bob = account('Bob');

test('signs in with the right password and shows the contact list', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const user = await msn.user(server, alice);
  const page = await user.openContactList();

  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
  await expect(page.getByLabel('Server')).toHaveValue('reference');
  await msn.screenshot(page, 'sign-in');

  await user.signIn(page);
  await expect(page.getByRole('button', { name: 'Your display name' })).toHaveText('Alice');
  await expect(page.getByRole('button', { name: 'Status: Online' })).toBeVisible();
  await expect(page.getByRole('treeitem', { name: /Bob/ })).toContainText('(Offline)');
  await expect(page.getByRole('treeitem', { name: 'Offline (1)' })).toBeVisible();
});

test('shows each step while signing in', async ({ msn }) => {
  // A slow server, so the steps stay on screen long enough to be seen.
  const server = await msn.server([alice, bob], { latencyMs: 300 });
  const user = await msn.user(server, alice);
  const page = await user.openContactList();
  await page.getByLabel('E-mail address:').fill(alice.email);
  await page.getByLabel('Password:').fill(alice.password);
  // Each step shows for about one round trip: record every text the progress line shows rather
  // than polling for it, which could look between two changes.
  await page.evaluate(() => {
    const page = globalThis as unknown as PageGlobals;
    const seen: string[] = [];
    page.progressSeen = seen;
    new page.MutationObserver(() => {
      const text = page.document.querySelector('[role="status"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(page.document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Sign In' }).click();
  await expect(page.getByRole('status')).toContainText('Checking your e-mail address and password...');
  await msn.screenshot(page, 'signing-in');
  await expect(page.getByRole('tree', { name: 'Contacts' })).toBeVisible();
  const seen = await page.evaluate(() => (globalThis as unknown as PageGlobals).progressSeen);
  const steps = [
    'Connecting to the server...',
    'Checking your e-mail address and password...',
    'Getting your contact list...',
  ];
  const order = steps.map((step) => seen.findIndex((text) => text.includes(step)));
  // Every step was shown, in this order.
  expect(
    order.every((at, i) => at >= 0 && (i === 0 || at > (order[i - 1] ?? -1))),
    seen.join(' | '),
  ).toBe(true);
});

test('explains a wrong password and keeps the form', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const user = await msn.user(server, alice);
  const page = await user.openContactList();

  await page.getByLabel('E-mail address:').fill(alice.email);
  await page.getByLabel('Password:').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign In' }).click();

  await expect(page.getByRole('alert')).toHaveText(/e-mail address or password you typed is incorrect/);
  await expect(page.getByLabel('E-mail address:')).toHaveValue(alice.email);
  await msn.screenshot(page, 'sign-in-wrong-password');

  await user.signIn(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('explains a server that cannot be reached', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const user = await msn.user(server, alice);
  const page = await user.openContactList();

  await page.getByLabel('Server').selectOption('custom');
  await page.getByLabel('Host:').fill('127.0.0.1');
  // Port 9 (discard) has no listener here, so the connection is refused at once.
  await page.getByLabel('Port:').fill('9');
  await page.getByLabel('E-mail address:').fill(alice.email);
  await page.getByLabel('Password:').fill(alice.password);
  await page.getByRole('button', { name: 'Sign In' }).click();

  await expect(page.getByRole('alert')).toHaveText(/could not reach the server/);
});

test('checks the e-mail address before trying', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const user = await msn.user(server, alice);
  const page = await user.openContactList();

  await page.getByLabel('E-mail address:').fill('not an address');
  await page.getByLabel('Password:').fill('x');
  await page.getByRole('button', { name: 'Sign In' }).click();
  await expect(page.getByRole('alert')).toHaveText(/Type your e-mail address/);
  await page.getByLabel('E-mail address:').fill(alice.email);
  await page.getByLabel('Password:').fill('');
  await page.getByRole('button', { name: 'Sign In' }).click();
  await expect(page.getByRole('alert')).toHaveText('Type your password.');
});
