import type { AccountSpec } from '../server';
import { MessengerClient } from '../../src/main/msnp/client';
import { account, expect, presetFor, test } from './harness';

const COUNT = 600;
const contacts: AccountSpec[] = Array.from({ length: COUNT }, (_, i) => ({
  ...account(`Contact${String(i).padStart(3, '0')}`),
  displayName: `Contact ${String(i).padStart(3, '0')} :)`,
}));
const alice = account(
  'Alice',
  contacts.map((c) => c.email.split('@')[0] ?? ''),
);

test('600 contacts: the sign-in burst fills the list, a status burst reaches it in batches, it stays usable', async ({
  msn,
}) => {
  test.setTimeout(180_000);
  const server = await msn.server([alice, ...contacts]);
  const { server: config } = presetFor(server);

  // Everyone else is online first, so Alice's sign-in brings the whole burst at once.
  const clients = contacts.map(
    (c) =>
      new MessengerClient({ server: config, email: c.email, password: c.password, status: 'NLN', reconnect: false }),
  );
  try {
    for (let i = 0; i < clients.length; i += 50) {
      await Promise.all(clients.slice(i, i + 50).map((client) => client.signIn()));
    }

    const me = await msn.user(server, alice);
    const page = await me.openContactList();
    await me.signIn(page);
    await expect(page.getByRole('treeitem', { name: `Online (${COUNT})` })).toBeVisible();
    await expect(page.locator('[data-email]')).toHaveCount(COUNT);

    // A second burst while signed in: everyone goes Away at once, and the services pass the
    // changes on in a few contacts:changed batches that the list applies per frame.
    const events: string[] = [];
    me.bridge.core.onEvent((event) => events.push(event));
    await Promise.all(clients.map((client) => client.setStatus('AWY')));
    await expect(page.locator('[data-email]', { hasText: '(Away)' })).toHaveCount(COUNT);
    const batches = events.filter((e) => e === 'contacts:changed').length;
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(COUNT / 2);
    await expect(page.getByRole('treeitem', { name: `Online (${COUNT})` })).toBeVisible();
    await msn.screenshot(page, 'contact-list-600');

    // Still responsive: find one contact, then walk to the end of the list by keyboard.
    await page.getByRole('searchbox', { name: 'Find a contact' }).fill('Contact 599');
    await expect(page.locator('[data-email]')).toHaveCount(1);
    await page.getByRole('searchbox', { name: 'Find a contact' }).fill('');
    await page.getByRole('treeitem', { name: `Online (${COUNT})` }).focus();
    await page.keyboard.press('End');
    await expect(page.getByRole('treeitem', { name: 'Offline (0)' })).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await expect(page.locator('[data-email="contact599@example.com"]')).toBeFocused();
    await expect(page.locator('[data-email="contact599@example.com"]')).toBeInViewport();

    // A later change of one contact still reaches its row.
    await clients[7]?.setStatus('BSY');
    await expect(page.locator('[data-email="contact007@example.com"]')).toContainText('(Busy)');
  } finally {
    await Promise.all(clients.map((c) => c.signOut().catch(() => undefined)));
  }
});
