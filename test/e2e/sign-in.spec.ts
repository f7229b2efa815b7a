import { account, expect, test } from './harness';

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
  await page.getByRole('button', { name: 'Sign In' }).click();
  await expect(page.getByRole('status')).toContainText('Checking your e-mail address and password...');
  await msn.screenshot(page, 'signing-in');
  await expect(page.getByRole('status')).toContainText('Getting your contact list...');
  await expect(page.getByRole('tree', { name: 'Contacts' })).toBeVisible();
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
