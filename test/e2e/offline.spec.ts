// Messages that cannot go straight through: to a contact who is offline (MSNP15 and MSNP18 offline
// messages, read at their next sign-in), refused by the server (with Send again), typed while
// the connection is down (sent once it is back), and lost with the connection before any ACK.
import type { Page } from '@playwright/test';
import { Proxy } from '../integration/engine-support';
import { account, expect, presetFor, test, type User } from './harness';

const alice = account('Alice', ['Bob']);
const bob = account('Bob', ['Alice']);

async function signedIn(user: User): Promise<Page> {
  const page = await user.openContactList();
  await user.signIn(page);
  return page;
}

async function conversationWithBob(me: User, list: Page): Promise<Page> {
  await list.locator('[data-email="bob@example.com"]').dblclick();
  return (await me.openRequestedConversation()).page;
}

async function send(page: Page, text: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Type your message' });
  await input.fill(text);
  await input.press('Enter');
  await expect(input).toHaveValue('');
}

for (const dialect of [15, 18]) {
  test(`sends to an offline contact at MSNP${dialect}, who reads it at sign-in as sent while they were offline`, async ({
    msn,
  }) => {
    // Room for two: the third is refused, and shows why, with Send again.
    const server = await msn.server([alice, bob], { oimQuota: 2 });
    const engine = { protocols: [dialect] };
    const me = await msn.user(server, alice, engine);
    const other = await msn.user(server, bob, engine);
    const mine = await conversationWithBob(me, await signedIn(me));
    await expect(mine.locator('.offline-notice')).toHaveText(
      'Bob appears to be offline. Your messages will be delivered when they sign in.',
    );

    await send(mine, 'Call me when you are back ☺');
    await send(mine, '<b>Two</b> things');
    const stored = mine.locator('.log-message.outgoing[data-delivery="offline"]');
    await expect(stored).toHaveCount(2);
    await expect(stored.first()).toContainText('This message will be delivered when Bob signs in.');

    await send(mine, 'and a third');
    const refused = mine.locator('.log-message.outgoing[data-delivery="failed"]');
    await expect(refused).toContainText('and a third');
    await expect(refused.getByRole('alert')).toContainText('could not be delivered');
    await expect(refused.getByRole('button', { name: 'Send again' })).toBeVisible();
    await msn.screenshot(mine, `conversation-offline-sent-msnp${dialect}`);

    const theirList = await other.openContactList();
    await other.signIn(theirList);
    const { page: theirs } = await other.openRequestedConversation();
    const received = theirs.locator('.log-message.incoming[data-offline]');
    await expect(received).toHaveCount(2);
    await expect(received.first()).toContainText('Call me when you are back ☺');
    await expect(received.first()).toContainText('(sent while you were offline, at ');
    // The sender's markup is text, never HTML.
    await expect(received.nth(1)).toContainText('<b>Two</b> things');
    await expect(received.nth(1).locator('b')).toHaveCount(0);
    await expect(theirs.getByRole('log')).toContainText('Alice says:');
    await msn.screenshot(theirs, `conversation-offline-received-msnp${dialect}`);

    // Bob is online now: Send again goes straight to him.
    await expect(me.call('session:snapshot', {})).resolves.toMatchObject({
      contacts: [{ email: 'bob@example.com', status: 'NLN' }],
    });
    await refused.getByRole('button', { name: 'Send again' }).click();
    await expect(mine.locator('.log-message.outgoing').last()).toHaveAttribute('data-delivery', 'delivered');
    await expect(theirs.locator('.log-message.incoming').last()).toContainText('and a third');
  });
}

test('keeps what is typed while the connection is down and sends it once it is back', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  // Alice reaches the server through a link the test can break.
  const link = await Proxy.start(server.notification);
  const dead = await Proxy.start('127.0.0.1:9');
  await dead.close();
  const preset = presetFor(server);
  const [host = '', port = ''] = link.address.split(':');
  const me = await msn.user(
    server,
    alice,
    { reconnect: { initialDelayMs: 100, jitter: 0 } },
    { ...preset, server: { ...preset.server, host, port: Number(port) } },
  );
  const other = await msn.user(server, bob);
  const myList = await signedIn(me);
  await other.signInDirectly();
  const mine = await conversationWithBob(me, myList);
  await send(mine, 'before');
  await expect(mine.locator('.log-message.outgoing').last()).toHaveAttribute('data-delivery', 'delivered');

  // The server goes away: every connection drops and new ones are refused.
  link.retarget(dead.address);
  link.cut();
  await expect(myList.getByText('The connection was lost. Reconnecting...')).toBeVisible();
  await send(mine, 'typed while the server was down');
  const waiting = mine.locator('.log-message.outgoing').last();
  await expect(waiting).toHaveAttribute('data-delivery', 'queued');
  await expect(waiting).toContainText('You are not connected: this message will be sent when the connection is back.');
  await msn.screenshot(mine, 'conversation-waiting-for-connection');

  link.retarget(server.notification);
  await expect(waiting).toHaveAttribute('data-delivery', 'delivered', { timeout: 30_000 });
  const { page: theirs } = await other.openRequestedConversation();
  await expect(theirs.locator('.log-message.incoming').last()).toContainText('typed while the server was down');
  await link.close();
});

test('says "may not have been delivered" of a message that went out before the connection dropped unconfirmed', async ({
  msn,
}) => {
  // The server relays messages but acknowledges none: whether they arrived is never confirmed.
  const server = await msn.server([alice, bob], { holdAcks: true });
  const link = await Proxy.start(server.notification);
  const preset = presetFor(server);
  const [host = '', port = ''] = link.address.split(':');
  const me = await msn.user(
    server,
    alice,
    { reconnect: { initialDelayMs: 100, jitter: 0 } },
    { ...preset, server: { ...preset.server, host, port: Number(port) } },
  );
  const other = await msn.user(server, bob);
  const myList = await signedIn(me);
  await other.signInDirectly();
  const mine = await conversationWithBob(me, myList);
  await send(mine, 'did you get this?');
  const { page: theirs } = await other.openRequestedConversation();
  await expect(theirs.locator('.log-message.incoming').last()).toContainText('did you get this?');

  link.cut();
  const unsure = mine.locator('.log-message.outgoing').last();
  await expect(unsure).toHaveAttribute('data-delivery', 'failed');
  await expect(unsure.getByRole('alert')).toContainText(
    'The following message may not have been delivered to all recipients:',
  );
  await expect(unsure.getByRole('alert')).toContainText('the message may not have been delivered');
  await expect(unsure.getByRole('alert')).not.toContainText('could not be delivered');
  await expect(unsure.getByRole('button', { name: 'Send again' })).toBeVisible();
  await msn.screenshot(mine, 'conversation-may-not-have-been-delivered');
  await link.close();
});
