import { account, expect, test } from './harness';

const alice = account('Alice', ['Bob', 'Carol']);
const bob = account('Bob');
const carol = account('Carol');
const dave = account('Dave');

test('shows live presence, names and personal messages, as text', async ({ msn }) => {
  const server = await msn.server([alice, bob, carol]);
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  const page = await me.openContactList();
  await me.signIn(page);

  const bobRow = page.getByRole('treeitem', { name: /bob@example\.com|Bob/ });
  await expect(page.getByRole('treeitem', { name: 'Offline (2)' })).toBeVisible();

  await other.signInDirectly();
  await expect(page.getByRole('treeitem', { name: 'Online (1)' })).toBeVisible();
  await expect(bobRow).not.toContainText('(Offline)');

  await other.call('presence:set-status', { status: 'BSY' });
  await expect(bobRow).toContainText('(Busy)');
  await expect(bobRow.getByRole('img', { name: 'Busy' })).toBeVisible();

  const hostile = 'Bob <img src=x onerror="document.title=1"> (L)';
  await other.call('profile:set-display-name', { displayName: hostile });
  await other.call('profile:set-personal-message', { text: '<b>at work</b> :)' });
  const renamed = page.locator('[data-email="bob@example.com"]');
  await expect(renamed).toContainText('Bob <img src=x onerror="document.title=1">');
  await expect(renamed).toContainText('<b>at work</b>');
  await expect(renamed.getByRole('img', { name: '(L)' })).toBeVisible();
  await expect(renamed.getByRole('img', { name: ':)' })).toBeVisible();
  await expect(renamed.locator('img, b')).toHaveCount(0);
  await msn.screenshot(page, 'contact-list');

  await other.call('account:sign-out', {});
  await expect(renamed).toContainText('(Offline)');
});

test('changes own status, name and personal message, and the other side sees it', async ({ msn }) => {
  const server = await msn.server([alice, bob, carol]);
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  await other.signInDirectly();
  const page = await me.openContactList();
  await me.signIn(page);

  const seenByBob = async (): Promise<{ status: string; displayName: string; personalMessage: string } | undefined> =>
    (await other.call('session:snapshot', {})).contacts.find((c) => c.email === alice.email);

  await page.getByRole('button', { name: 'Status: Online' }).click();
  await expect(page.getByRole('menu', { name: 'Status' })).toBeVisible();
  await msn.screenshot(page, 'status-menu');
  await page.getByRole('menuitem', { name: 'Away' }).click();
  await expect(page.getByRole('button', { name: 'Status: Away' })).toBeVisible();
  await expect.poll(async () => (await seenByBob())?.status).toBe('AWY');

  await page.getByRole('button', { name: 'Your display name' }).click();
  await page.getByRole('textbox', { name: 'Your display name' }).fill('Alice in Wonderland');
  await page.getByRole('textbox', { name: 'Your display name' }).press('Enter');
  await expect(page.getByRole('button', { name: 'Your display name' })).toHaveText('Alice in Wonderland');
  await expect.poll(async () => (await seenByBob())?.displayName).toBe('Alice in Wonderland');

  await expect(page.getByRole('button', { name: 'Your personal message' })).toHaveText('<Type a personal message>');
  await page.getByRole('button', { name: 'Your personal message' }).click();
  await page.getByRole('textbox', { name: 'Your personal message' }).fill('Down the rabbit hole (*)');
  await page.getByRole('textbox', { name: 'Your personal message' }).press('Enter');
  await expect(page.getByRole('button', { name: 'Your personal message' })).toContainText('Down the rabbit hole');
  await expect.poll(async () => (await seenByBob())?.personalMessage).toBe('Down the rabbit hole (*)');
});

test('adds, blocks, unblocks and deletes a contact', async ({ msn }) => {
  const server = await msn.server([alice, bob, carol, dave]);
  const me = await msn.user(server, alice);
  const page = await me.openContactList();
  await me.signIn(page);

  await page.getByRole('button', { name: 'Add a Contact' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a Contact' });
  await dialog.getByLabel("Contact's e-mail address").fill('dave at example');
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/Type the e-mail address/);
  await dialog.getByLabel("Contact's e-mail address").fill('Dave@Example.com');
  await msn.screenshot(page, 'add-contact');
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(dialog).toHaveCount(0);
  const daveRow = page.locator('[data-email="dave@example.com"]');
  await expect(daveRow).toBeVisible();

  await daveRow.click({ button: 'right' });
  await expect(page.getByRole('menu', { name: 'Contact' })).toBeVisible();
  await msn.screenshot(page, 'contact-menu');
  await page.getByRole('menuitem', { name: 'Block' }).click();
  await expect(daveRow.getByRole('img', { name: /blocked/ })).toBeVisible();

  await daveRow.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Unblock' }).click();
  await expect(daveRow.getByRole('img', { name: /blocked/ })).toHaveCount(0);

  await me.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await daveRow.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Copy E-mail Address' }).click();
  await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe('dave@example.com');

  await daveRow.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Delete Contact' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete Contact' });
  await expect(confirm).toContainText('dave@example.com');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(daveRow).toHaveCount(0);
});

test('creates, renames and deletes groups and moves contacts between them', async ({ msn }) => {
  const server = await msn.server([alice, bob, carol]);
  const me = await msn.user(server, alice);
  const page = await me.openContactList();
  await me.signIn(page);

  await page.getByRole('button', { name: 'Contacts' }).click();
  await page.getByRole('menuitem', { name: 'Sort Contacts By' }).hover();
  await page.getByRole('menuitem', { name: 'Groups' }).click();
  await expect(page.getByRole('treeitem', { name: 'Other Contacts (0/2)' })).toBeVisible();

  await page.getByRole('button', { name: 'Contacts' }).click();
  await page.getByRole('menuitem', { name: 'Create a Group...' }).click();
  await page.getByRole('dialog', { name: 'Create a Group' }).getByLabel('Group name').fill('Friends');
  await page.getByRole('dialog', { name: 'Create a Group' }).getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('treeitem', { name: 'Friends (0/0)' })).toBeVisible();

  await page.locator('[data-email="bob@example.com"]').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Move Contact To' }).hover();
  await page.getByRole('menu', { name: 'Move Contact To' }).getByRole('menuitem', { name: 'Friends' }).click();
  await expect(page.getByRole('treeitem', { name: 'Friends (0/1)' })).toBeVisible();
  await expect(page.getByRole('treeitem', { name: 'Other Contacts (0/1)' })).toBeVisible();

  await page.getByRole('treeitem', { name: 'Friends (0/1)' }).click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Rename Group' }).click();
  await page.getByRole('dialog', { name: 'Rename Group' }).getByLabel('Group name').fill('Best Friends');
  await page.getByRole('dialog', { name: 'Rename Group' }).getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('treeitem', { name: 'Best Friends (0/1)' })).toBeVisible();

  // Collapsing hides the group's contacts but keeps its count.
  await page.getByRole('treeitem', { name: 'Best Friends (0/1)' }).click();
  await expect(page.locator('[data-email="bob@example.com"]')).toHaveCount(0);
  await page.getByRole('treeitem', { name: 'Best Friends (0/1)' }).click();
  await expect(page.locator('[data-email="bob@example.com"]')).toBeVisible();

  await page.getByRole('button', { name: 'Contacts' }).click();
  await page.getByRole('menuitem', { name: 'Create a Group...' }).click();
  await page.getByRole('dialog', { name: 'Create a Group' }).getByLabel('Group name').fill('Empty');
  await page.getByRole('dialog', { name: 'Create a Group' }).getByRole('button', { name: 'Create' }).click();
  await page.getByRole('treeitem', { name: 'Empty (0/0)' }).click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Delete Group' }).click();
  await page.getByRole('dialog', { name: 'Delete Group' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('treeitem', { name: 'Empty (0/0)' })).toHaveCount(0);
});

test('finds contacts and moves through the list with the keyboard', async ({ msn }) => {
  const server = await msn.server([alice, bob, carol]);
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  await other.signInDirectly();
  const page = await me.openContactList();
  await me.signIn(page);

  await page.getByRole('searchbox', { name: 'Find a contact' }).fill('car');
  await expect(page.locator('[data-email]')).toHaveCount(1);
  await page.getByRole('searchbox', { name: 'Find a contact' }).press('ArrowDown');
  await expect(page.locator('[data-email="carol@example.com"]')).toBeFocused();
  await page.getByRole('searchbox', { name: 'Find a contact' }).fill('');
  await expect(page.locator('[data-email]')).toHaveCount(2);

  // Online (1) > Bob, Offline (1) > Carol
  await page.getByRole('treeitem', { name: 'Online (1)' }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('[data-email="bob@example.com"]')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('treeitem', { name: 'Offline (1)' })).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('[data-email="carol@example.com"]')).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('[data-email="carol@example.com"]')).toBeVisible();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Shift+F10');
  await expect(page.getByRole('menu', { name: 'Contact' })).toBeFocused();
  await page.keyboard.press('Escape');
  await page.locator('[data-email="bob@example.com"]').focus();
  await page.keyboard.press('Enter');
  const { page: conversation } = await me.openRequestedConversation();
  await expect(conversation.getByLabel('To')).toContainText('<bob@example.com>');
});
