// The app at MSNP18 (SSO sign-in, the address book over SOAP, `1:` handles, NLN-only presence):
// signing in from the sign-in screen with the default offer, the list, a conversation, adding a
// contact; and the server settings' Advanced part, which says where the SOAP services are.
import { account, expect, test } from './harness';

const alice = account('Alice', ['Bob', 'Carol']);
const bob = account('Bob', ['Alice']);
const carol = account('Carol');
const dave = account('Dave');

test('signs in at MSNP18, shows the list, chats and adds a contact', async ({ msn }) => {
  const server = await msn.server([alice, bob, carol, dave]);
  // The app's own offer (MSNP18 down to MSNP8): the reference server picks MSNP18.
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob, { protocols: [18] });
  await other.signInDirectly();
  const list = await me.openContactList();
  await me.signIn(list);
  expect((await me.call('session:snapshot', {})).protocol).toBe('MSNP18');

  const bobRow = list.locator('[data-email="bob@example.com"]');
  await expect(list.getByRole('treeitem', { name: 'Online (1)' })).toBeVisible();
  await expect(bobRow).toContainText('Bob');
  await expect(bobRow).not.toContainText('(Offline)');
  await expect(list.locator('[data-email="carol@example.com"]')).toContainText('(Offline)');
  await other.call('presence:set-status', { status: 'BSY' });
  await expect(bobRow).toContainText('(Busy)');
  await msn.screenshot(list, 'msnp18-contact-list');

  await bobRow.dblclick();
  const { page: mine } = await me.openRequestedConversation();
  const input = mine.getByRole('textbox', { name: 'Type your message' });
  await input.fill('Hello over MSNP18 :)');
  await input.press('Enter');
  await expect(mine.locator('.log-message.outgoing').last()).toHaveAttribute('data-delivery', 'delivered');
  const { page: theirs } = await other.openRequestedConversation();
  await expect(theirs.locator('.log-message.incoming').last()).toContainText('Hello over MSNP18');
  const reply = theirs.getByRole('textbox', { name: 'Type your message' });
  await reply.fill('Loud and clear');
  await reply.press('Enter');
  await expect(mine.locator('.log-message.incoming').last()).toContainText('Loud and clear');
  await msn.screenshot(mine, 'msnp18-conversation');

  await list.getByRole('button', { name: 'Add a Contact' }).first().click();
  const dialog = list.getByRole('dialog', { name: 'Add a Contact' });
  await dialog.getByLabel("Contact's e-mail address").fill('dave@example.com');
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(list.locator('[data-email="dave@example.com"]')).toContainText('(Offline)');
  // In the address book on the server, not only on screen: a new sign-in lists Dave.
  await me.call('account:sign-out', {});
  await me.signIn(list);
  await expect(list.locator('[data-email="dave@example.com"]')).toBeVisible();
});

// (A typed entry has no CA file, so it cannot sign in to the reference server's HTTPS here; the
// engine's use of these addresses is tested with the CLI and the engine.)
test('the server settings say where the SOAP services are, and refuse a Microsoft host', async ({ msn }) => {
  const server = await msn.server([alice, bob, carol]);
  const me = await msn.user(server, alice);
  const page = await me.openContactList();
  const [host = '', port = ''] = server.dispatch.split(':');

  await page.getByLabel('Server').selectOption('custom');
  await page.getByLabel('Host:').fill(host);
  await page.getByLabel('Port:').fill(port);
  // Collapsed until asked for.
  const advanced = page.locator('details.advanced');
  await expect(advanced).not.toHaveAttribute('open');
  await msn.screenshot(page, 'server-settings');
  await page.getByText('Advanced', { exact: true }).click();
  // Empty fields show what the engine derives: from the host, then from the nexus, then from the base.
  await expect(page.getByLabel('Login service (RST):')).toHaveAttribute('placeholder', `https://${host}/RST.srf`);
  await page.getByLabel('Passport (nexus) URL:').fill(server.nexus);
  await expect(page.getByLabel('SOAP base URL:')).toHaveAttribute('placeholder', server.soapBase);
  await expect(page.getByLabel('Address book:')).toHaveAttribute(
    'placeholder',
    `${server.soapBase}/abservice/abservice.asmx`,
  );
  await page.getByLabel('SOAP base URL:').fill('https://soap.example.net/ignored/path');
  await expect(page.getByLabel('Offline messages (sending):')).toHaveAttribute(
    'placeholder',
    'https://soap.example.net/OimWS/oim.asmx',
  );

  // A Microsoft host is refused where it was typed, and nothing is sent.
  await page.getByLabel('Login service (RST):').fill('https://login.live.com/RST.srf');
  await page.getByLabel('Login service (RST):').blur();
  await expect(page.locator('#soap-rst-error')).toHaveText(/login\.live\.com is a Microsoft host/);
  await expect(page.getByLabel('Login service (RST):')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('E-mail address:').fill(alice.email);
  await page.getByLabel('Password:').fill(alice.password);
  await page.getByRole('button', { name: 'Sign In' }).click();
  await expect(page.locator('.sign-in-error')).toHaveText('Check the service addresses under Advanced.');
  await expect(page.getByLabel('Login service (RST):')).toBeFocused();
  await msn.screenshot(page, 'server-advanced');

  // Emptied, the field is fine again and shows its default.
  await page.getByLabel('Login service (RST):').fill('');
  await expect(page.locator('#soap-rst-error')).toHaveCount(0);
  await expect(page.getByLabel('Login service (RST):')).toHaveAttribute(
    'placeholder',
    'https://soap.example.net/RST.srf',
  );
});
