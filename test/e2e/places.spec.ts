// Signed in at several places (MSNP18): the contact list says so under the header, and "Sign out
// of all other places" (the link, or the File menu) signs the other place out.
import { MessengerClient } from '../../src/main/msnp/client';
import { DaLoginCache } from '../../src/main/msnp/passport';
import type { RunningServer } from '../server';
import { account, expect, test } from './harness';

const alice = account('Alice', ['Bob']);
const bob = account('Bob', ['Alice']);
const DESKTOP = '{8A9FF87F-2222-4C58-9D4D-2A5A8E3C0B11}';

/** Alice at another computer: the engine alone, with its own machine GUID. */
function otherPlace(server: RunningServer, placeName: string): MessengerClient {
  const [host = '127.0.0.1', port = '0'] = server.dispatch.split(':');
  return new MessengerClient({
    server: { host, port: Number(port), nexus: server.nexus, caFile: server.ca },
    email: alice.email,
    password: alice.password,
    protocols: [18],
    machineGuid: DESKTOP,
    placeName,
    reconnect: false,
    daLoginCache: new DaLoginCache(),
  });
}

test('"You are signed in at 1 other place": signing it out from the contact list', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const me = await msn.user(server, alice, { protocols: [18] });
  const page = await me.openContactList();
  await me.signIn(page);
  const notice = page.getByRole('status').filter({ hasText: 'other place' });
  await expect(notice).toHaveCount(0);

  const desktop = otherPlace(server, 'Desktop <b>PC</b>');
  try {
    await desktop.signIn();
    const signedOut = new Promise((resolve) => desktop.once('signed-out', resolve));
    await expect(notice).toContainText('You are signed in at 1 other place.');
    // The other place's name is its own text: a tooltip, never markup.
    await expect(notice.locator('span')).toHaveAttribute('title', 'Desktop <b>PC</b>');
    await expect(page.locator('.cl-places b')).toHaveCount(0);
    await msn.screenshot(page, 'places-notice');

    await page.getByRole('button', { name: 'File' }).click();
    await expect(page.getByRole('menuitem', { name: 'Sign out of all other places' })).not.toHaveAttribute(
      'aria-disabled',
      'true',
    );
    await msn.screenshot(page, 'places-file-menu');
    await page.keyboard.press('Escape');

    await notice.getByRole('button', { name: 'Sign out of all other places' }).click();
    expect(await signedOut).toMatchObject({ reason: 'signed-in-elsewhere' });
    await expect(notice).toHaveCount(0);
    await expect(page.getByRole('tree', { name: 'Contacts' })).toBeVisible();
    expect((await me.call('session:snapshot', {})).phase).toBe('online');

    await page.getByRole('button', { name: 'File' }).click();
    await expect(page.getByRole('menuitem', { name: 'Sign out of all other places' })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
  } finally {
    await desktop.signOut();
  }
});

test('the File menu signs out every other place', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const me = await msn.user(server, alice, { protocols: [18] });
  const page = await me.openContactList();
  await me.signIn(page);
  const desktop = otherPlace(server, 'Desktop');
  try {
    await desktop.signIn();
    const signedOut = new Promise((resolve) => desktop.once('signed-out', resolve));
    const notice = page.getByRole('status').filter({ hasText: 'other place' });
    await expect(notice).toContainText('You are signed in at 1 other place.');
    await page.getByRole('button', { name: 'File' }).click();
    await page.getByRole('menuitem', { name: 'Sign out of all other places' }).click();
    expect(await signedOut).toMatchObject({ reason: 'signed-in-elsewhere' });
    await expect(notice).toHaveCount(0);
  } finally {
    await desktop.signOut();
  }
});
