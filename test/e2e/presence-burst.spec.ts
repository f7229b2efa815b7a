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

test('a presence burst of 600 contacts at sign-in fills the list, which stays usable', async ({ msn }) => {
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
    const events: string[] = [];
    me.bridge.core.onEvent((event) => events.push(event));
    const page = await me.openContactList();
    await me.signIn(page);

    await expect(page.getByRole('treeitem', { name: `Online (${COUNT})` })).toBeVisible();
    await expect(page.locator('[data-email]')).toHaveCount(COUNT);
    await expect(page.getByRole('treeitem', { name: 'Offline (0)' })).toBeVisible();
    // The services gathered the burst into a few batches rather than one event per contact.
    expect(events.filter((e) => e === 'contacts:changed').length).toBeLessThan(COUNT / 10);
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
