// The protocol inspector window against a real sign-in and chat: it shows the lines as they
// happen, pauses, filters, copies and saves, and no secret of the sign-in appears anywhere in the
// window or in the saved file.
import { DEFAULT_FORMAT } from '../../src/shared/schemas';
import { account, expect, test } from './harness';

const alice = account('Alice', ['Bob']);
const bob = account('Bob', ['Alice']);

/** Patterns no masked trace may contain: tickets, cookies after CKI, MD5 hashes, unmasked profile tickets, SSO proofs. */
const LEAKS = [
  /t=[A-Za-z0-9_-]{16,}/,
  /CKI \d/,
  /\b[0-9a-f]{32}\b/i,
  /MSPAuth: (?!\*\*\*)/,
  /TWN S (?!\*\*\*)/,
  /SSO S (?!\*\*\* \*\*\*)/,
];

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(alice.password);
  expect(text).not.toContain(encodeURIComponent(alice.password));
  expect(text).not.toContain(bob.password);
  for (const leak of LEAKS) expect(text).not.toMatch(leak);
}

test('shows a sign-in and a chat with every secret masked, pauses, filters, copies and saves', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const user = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  await other.signInDirectly();

  const inspector = await user.context.newPage();
  await inspector.setViewportSize({ width: 760, height: 520 });
  await inspector.goto(`${user.bridge.url}#/inspector`);
  await expect(inspector.getByRole('toolbar', { name: 'Inspector' })).toBeVisible();

  const list = await user.openContactList();
  await user.signIn(list);
  const traffic = inspector.getByRole('list', { name: 'Traffic' });
  await expect(traffic).toContainText(/VER 1 MSNP/);
  // The default offer signs in with SSO: the token, the MBI answer and the machine GUID are masked.
  await expect(traffic).toContainText(/USR \d+ SSO S \*\*\* \*\*\* \*\*\*/);

  // A chat both ways: a switchboard we asked for (XFR, USR) and one we were invited to (RNG, ANS).
  const { conversationId } = await user.call('conversation:open', { email: bob.email });
  await user.call('conversation:send', {
    conversationId,
    text: 'hello from the inspector test',
    format: DEFAULT_FORMAT,
  });
  await expect(traffic).toContainText(/XFR \d+ SB \S+ CKI \*\*\*/);
  await expect(traffic).toContainText(/sb-1/);
  await expect(traffic).toContainText(/USR \d+ alice@example\.com \*\*\*/);

  // The profile message's payload, opened, shows its ticket masked.
  await traffic
    .getByRole('button', { name: /MSG Hotmail Hotmail/ })
    .first()
    .click();
  await expect(traffic).toContainText('MSPAuth: ***');
  await msn.screenshot(inspector, 'protocol-inspector');
  expectNoSecrets(await inspector.locator('body').innerText());

  // Filter by command, then by connection.
  await inspector.getByLabel('Command').fill('USR');
  const rows = traffic.locator('.trace-text');
  await expect(rows.first()).toHaveText(/^USR /);
  for (const text of await rows.allTextContents()) expect(text).toMatch(/^USR /);
  await inspector.getByLabel('Command').fill('');
  await inspector.getByLabel('Connection').selectOption('sb-1');
  for (const text of await traffic.locator('.trace-connection').allTextContents()) expect(text).toBe('sb-1');
  await inspector.getByLabel('Connection').selectOption('');

  // Paused, the view holds still while lines keep coming; resumed, they show.
  await inspector.getByRole('button', { name: 'Pause' }).click();
  const before = await traffic.locator('.trace-row').count();
  await user.call('presence:set-status', { status: 'BSY' });
  await expect(inspector.getByRole('button', { name: /Resume \(\d+ new\)/ })).toBeVisible();
  expect(await traffic.locator('.trace-row').count()).toBe(before);
  await inspector.getByRole('button', { name: /Resume/ }).click();
  await expect(traffic).toContainText(/CHG \d+ BSY/);

  // Copy takes what is shown; Save writes the recorded lines, masked as well.
  await user.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(user.bridge.url).origin,
  });
  await inspector.getByRole('button', { name: 'Copy' }).click();
  await expect(inspector.getByRole('status')).toContainText(/Copied \d+ lines/);
  const copied = await inspector.evaluate(() =>
    (
      globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
    ).navigator.clipboard.readText(),
  );
  expect(copied).toMatch(/ns-\d >> USR \d+ SSO S \*\*\* \*\*\* \*\*\*/);
  expectNoSecrets(copied);
  await inspector.getByRole('button', { name: 'Save…' }).click();
  await expect(inspector.getByRole('status')).toHaveText('Saved');
  const saved = user.bridge.windows.savedFiles[0];
  expect(saved?.name).toBe('protocol-trace.txt');
  expect(saved?.text).toMatch(/XFR \d+ SB \S+ CKI \*\*\*/);
  expectNoSecrets(saved?.text ?? '');

  // Tools → Protocol Inspector… asks the app for the window, as the sign-in screen's link does.
  await list.getByRole('button', { name: 'Tools' }).click();
  await list.getByRole('menuitem', { name: 'Protocol Inspector...' }).click();
  await expect.poll(() => user.bridge.windows.inspectorRequests).toBe(1);
  await user.call('account:sign-out', {});
  await list.getByRole('button', { name: 'Trouble signing in? Open the Protocol Inspector' }).click();
  await expect.poll(() => user.bridge.windows.inspectorRequests).toBe(2);
});
