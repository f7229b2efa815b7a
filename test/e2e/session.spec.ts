import { account, expect, test } from './harness';

const alice = account('Alice', ['Bob']);
const bob = account('Bob');
const eve = account('Eve');

test('"X has added you to their contact list": allow and add back', async ({ msn }) => {
  const server = await msn.server([alice, bob, eve]);
  const me = await msn.user(server, alice);
  const stranger = await msn.user(server, eve);
  const page = await me.openContactList();
  await me.signIn(page);
  await stranger.signInDirectly();
  await stranger.call('profile:set-display-name', { displayName: 'Eve <script>x()</script>' });

  await stranger.call('contacts:add', { email: alice.email });
  const dialog = page.getByRole('dialog', { name: 'Messenger' });
  await expect(dialog).toContainText('Eve <script>x()</script> (eve@example.com) has added you to their contact list.');
  await expect(dialog.getByLabel(/^Allow this person/)).toBeChecked();
  await expect(dialog.getByLabel('Add this person to my contact list')).toBeChecked();
  await msn.screenshot(page, 'added-you');
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toHaveCount(0);

  const eveRow = page.locator('[data-email="eve@example.com"]');
  await expect(eveRow).toBeVisible();
  await expect(eveRow).not.toContainText('(Offline)');
  await expect(eveRow.getByRole('img', { name: /blocked/ })).toHaveCount(0);
});

test('"X has added you to their contact list": block', async ({ msn }) => {
  const server = await msn.server([alice, bob, eve]);
  const me = await msn.user(server, alice);
  const stranger = await msn.user(server, eve);
  const page = await me.openContactList();
  await me.signIn(page);
  await stranger.signInDirectly();

  await stranger.call('contacts:add', { email: alice.email });
  const dialog = page.getByRole('dialog', { name: 'Messenger' });
  await dialog.getByLabel(/^Block this person/).check();
  await dialog.getByLabel('Add this person to my contact list').uncheck();
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toHaveCount(0);
  await expect
    .poll(async () => (await me.call('session:snapshot', {})).contacts.find((c) => c.email === eve.email)?.lists)
    .toContain('BL');
  await expect(page.locator('[data-email="eve@example.com"]')).toHaveCount(0);
});

test('signing in at another place signs this one out, and says why', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  // One place at a time, as up to MSNP15 (from MSNP16 several places may be signed in at once).
  const me = await msn.user(server, alice, { protocols: [12] });
  const page = await me.openContactList();
  await me.signIn(page);

  const elsewhere = await msn.user(server, alice, { protocols: [12] });
  await elsewhere.signInDirectly();

  await expect(page.getByRole('alert')).toHaveText(/signed in to Messenger at another location/);
  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
  await expect(page.getByLabel('E-mail address:')).toHaveValue(alice.email);
  await msn.screenshot(page, 'signed-in-elsewhere');
});

test('remembers the password, signs in with it, and forgets it from Options', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const me = await msn.user(server, alice);
  const page = await me.openContactList();

  await page.getByLabel('E-mail address:').fill(alice.email);
  await page.getByLabel('Password:').fill(alice.password);
  await page.getByLabel('Sign in as:').selectOption('BSY');
  await page.getByLabel('Remember me').check();
  await page.getByLabel('Remember my password').check();
  await page.getByRole('button', { name: 'Sign In' }).click();
  await expect(page.getByRole('button', { name: 'Status: Busy' })).toBeVisible();

  await page.getByRole('button', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'Sign Out', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('E-mail address:')).toHaveValue(alice.email);
  await expect(page.getByLabel('Password:')).toHaveAttribute('placeholder', '(saved password)');
  await expect(page.getByLabel('Sign in as:')).toHaveValue('BSY');
  await page.getByRole('button', { name: 'Sign In' }).click();
  await expect(page.getByRole('button', { name: 'Status: Busy' })).toBeVisible();

  await page.getByRole('button', { name: 'Tools' }).click();
  await page.getByRole('menuitem', { name: 'Options...' }).click();
  const options = page.getByRole('dialog', { name: 'Options' });
  await options.getByRole('tab', { name: 'Accounts' }).click();
  await expect(options.getByRole('tabpanel')).toContainText('password saved');
  await msn.screenshot(page, 'options-passwords');
  await options.getByRole('button', { name: `Forget ${alice.email}` }).click();
  await expect(options.getByRole('tabpanel')).toContainText('No account is remembered on this computer.');
  expect((await me.call('account:list', {})).accounts).toEqual([]);
});

test('saves sounds, alerts and auto-away in Options', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const me = await msn.user(server, alice);
  const page = await me.openContactList();
  await me.signIn(page);

  await page.getByRole('button', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'Options...' }).click();
  const options = page.getByRole('dialog', { name: 'Options' });
  await options.getByLabel('Minutes before Away').fill('15');
  await msn.screenshot(page, 'options');
  await options.getByRole('tab', { name: 'Sounds' }).click();
  await options.getByLabel('A nudge is received or sent').uncheck();
  await options.getByRole('tab', { name: 'Alerts' }).click();
  await options.getByLabel('Contacts come online').uncheck();
  await options.getByRole('button', { name: 'OK' }).click();
  await expect(options).toHaveCount(0);

  const saved = await me.call('settings:get', {});
  expect(saved.autoAwayMinutes).toBe(15);
  expect(saved.sounds.nudge).toBe(false);
  expect(saved.sounds.message).toBe(true);
  expect(saved.notifications.contactSignIn).toBe(false);

  // The options window (#/options) shows what was saved.
  const window = await me.context.newPage();
  await window.goto(`${me.bridge.url}#/options`);
  await expect(window.getByLabel('Minutes before Away')).toHaveValue('15');
});
