import type { Page } from '@playwright/test';
import { account, expect, test, type User } from './harness';

const alice = account('Alice', ['Bob', 'Carol']);
const bob = account('Bob', ['Carol']);
const carol = account('Carol');

async function signedIn(user: User): Promise<Page> {
  const page = await user.openContactList();
  await user.signIn(page);
  return page;
}

/** Alice opens a conversation with Bob from her list (double-click), as in the classic client. */
async function startWithBob(me: User, list: Page): Promise<Page> {
  await list.locator('[data-email="bob@example.com"]').dblclick();
  return (await me.openRequestedConversation()).page;
}

test('sends and receives formatted messages with emoticons, typing and links', async ({ msn }) => {
  const server = await msn.server([alice, bob, carol]);
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  const myList = await signedIn(me);
  await signedIn(other);

  const mine = await startWithBob(me, myList);
  await expect(mine.getByLabel('To')).toContainText('Bob <bob@example.com>');

  // Choose Comic Sans, bold, red.
  await mine.getByRole('button', { name: 'Change the font' }).click();
  const font = mine.getByRole('dialog', { name: 'Change Font' });
  await font.getByLabel('Font', { exact: true }).selectOption('Comic Sans MS');
  await font.getByLabel('Size').selectOption('12');
  await font.getByLabel('Bold').check();
  await font.getByRole('button', { name: 'Colour #ff0000' }).click();
  await font.getByRole('button', { name: 'OK' }).click();

  const input = mine.getByRole('textbox', { name: 'Type your message' });
  await input.fill('Hello Bob :) (Y) <b>not bold</b> see http://example.com/page');
  await input.press('Enter');
  await expect(input).toHaveValue('');
  const sent = mine.locator('.log-message.outgoing').last();
  await expect(sent).toHaveAttribute('data-delivery', 'delivered');
  await expect(mine.getByRole('log')).toContainText('Alice says:');

  const { page: theirs } = await other.openRequestedConversation();
  const received = theirs.locator('.log-message.incoming').last();
  await expect(theirs.getByRole('log')).toContainText('Alice says:');
  await expect(received).toContainText('Hello Bob');
  await expect(received).toContainText('<b>not bold</b>');
  await expect(received.getByRole('img', { name: ':)' })).toBeVisible();
  await expect(received.getByRole('img', { name: '(Y)' })).toBeVisible();
  await expect(received.locator('b, script')).toHaveCount(0);
  const text = received.locator('.log-text');
  await expect(text).toHaveCSS('font-weight', '700');
  await expect(text).toHaveCSS('color', 'rgb(255, 0, 0)');
  await expect(text).toHaveCSS('font-family', /Comic Sans MS/);

  // A link opens through main, never inside the window.
  await received.getByRole('link', { name: 'http://example.com/page' }).click();
  await expect.poll(() => other.bridge.windows.externalLinks).toEqual(['http://example.com/page']);
  expect(theirs.url()).toBe(other.bridge.conversationUrl(await theirConversationId(theirs)));

  // Bob types: Alice sees "Bob is writing a message...".
  const reply = theirs.getByRole('textbox', { name: 'Type your message' });
  await reply.pressSequentially('Hi Alice');
  await expect(mine.getByRole('status')).toHaveText('Bob is writing a message...');

  // Shift+Enter is a new line, Enter sends.
  await reply.press('Shift+Enter');
  await reply.pressSequentially('second line :D');
  await reply.press('Enter');
  const answer = mine.locator('.log-message.incoming').last();
  await expect(answer).toContainText('Hi Alice\nsecond line', { useInnerText: true });
  await expect(answer.getByRole('img', { name: ':D' })).toBeVisible();
  await expect(mine.getByRole('status')).toHaveText(/^Last message received at/);
  await msn.screenshot(mine, 'conversation');
  await msn.screenshot(theirs, 'conversation-received');

  // The emoticon picker inserts the shortcut where the caret is.
  await input.fill('I ');
  await mine.getByRole('button', { name: 'Select an emoticon' }).click();
  await expect(mine.getByRole('dialog', { name: 'Emoticons' })).toBeVisible();
  await msn.screenshot(mine, 'emoticon-picker');
  await mine.getByRole('dialog', { name: 'Emoticons' }).getByRole('button', { name: 'Red heart (L)' }).click();
  await expect(input).toHaveValue('I (L)');
});

async function theirConversationId(page: Page): Promise<string> {
  return decodeURIComponent(new URL(page.url()).hash.replace('#/conversation/', ''));
}

test('nudges shake both windows, sound on the receiving side and are rate-limited', async ({ msn }) => {
  const server = await msn.server([alice, bob, carol]);
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  const myList = await signedIn(me);
  await signedIn(other);
  const mine = await startWithBob(me, myList);

  // A first message opens Bob's window, as the classic client did.
  await mine.getByRole('textbox', { name: 'Type your message' }).fill('Are you there?');
  await mine.getByRole('textbox', { name: 'Type your message' }).press('Enter');
  const { page: theirs } = await other.openRequestedConversation();
  await expect(theirs.getByRole('log')).toContainText('Are you there?');

  await mine.getByRole('button', { name: 'Send a nudge' }).click();
  await expect(mine.getByRole('log')).toContainText('You have just sent a nudge.');
  await expect(mine.locator('.conversation')).toHaveAttribute('data-nudges', '1');
  await expect(theirs.getByRole('log')).toContainText('Alice has just sent you a nudge.');
  await expect(theirs.locator('.conversation')).toHaveAttribute('data-nudges', '1');
  await expect.poll(() => other.bridge.sounds).toContain('nudge');

  await mine.getByRole('button', { name: 'Send a nudge' }).click();
  await expect(mine.getByRole('log')).toContainText('You cannot send a nudge so soon after the last one.');
  await expect(mine.locator('.conversation')).toHaveAttribute('data-nudges', '1');
  await msn.screenshot(theirs, 'nudge');
});

test('invites a third person into the conversation', async ({ msn }) => {
  const server = await msn.server([alice, bob, carol]);
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  const third = await msn.user(server, carol);
  const myList = await signedIn(me);
  await other.signInDirectly();
  await third.signInDirectly();
  await expect(myList.getByRole('treeitem', { name: 'Online (2)' })).toBeVisible();

  const mine = await startWithBob(me, myList);
  await mine.getByRole('textbox', { name: 'Type your message' }).fill('Let us ask Carol');
  await mine.getByRole('textbox', { name: 'Type your message' }).press('Enter');
  await expect(mine.locator('.log-message.outgoing').last()).toHaveAttribute('data-delivery', 'delivered');

  await mine.getByRole('button', { name: 'Invite' }).click();
  const invite = mine.getByRole('dialog', { name: 'Invite Someone to This Conversation' });
  await expect(invite.getByRole('button', { name: /Bob/ })).toHaveCount(0);
  await msn.screenshot(mine, 'invite');
  await invite.getByRole('button', { name: /Carol/ }).click();
  await expect(mine.getByRole('log')).toContainText('Carol has joined the conversation.');
  await expect(mine.getByLabel('To')).toContainText('<carol@example.com>');

  // Carol's app opens the conversation window with the first message after she joined; she answers in it.
  await mine.getByRole('textbox', { name: 'Type your message' }).fill('Welcome, Carol');
  await mine.getByRole('textbox', { name: 'Type your message' }).press('Enter');
  const carolsConversation = await third.bridge.windows.nextConversation();
  await third.call('conversation:send', {
    conversationId: carolsConversation,
    text: 'Hi both (H)',
    format: {
      font: 'Arial',
      effects: { bold: false, italic: true, underline: false, strikethrough: false },
      color: '#008000',
      charset: '0',
      pitchFamily: '22',
      rightToLeft: false,
    },
  });
  const fromCarol = mine.locator('.log-message.incoming').last();
  await expect(fromCarol).toContainText('Carol says:');
  await expect(fromCarol.getByRole('img', { name: '(H)' })).toBeVisible();
  await expect(fromCarol.locator('.log-text')).toHaveCSS('font-style', 'italic');
  await expect(fromCarol.locator('.log-text')).toHaveCSS('color', 'rgb(0, 128, 0)');
});

test('never loses typed text when a message cannot be sent', async ({ msn }) => {
  const server = await msn.server([alice, bob, carol]);
  // MSNP12 has no offline messages (offline.spec.ts covers the dialects that have them).
  const me = await msn.user(server, alice, { protocols: [12] });
  const myList = await signedIn(me);

  // Carol is offline and this dialect has no offline messages: the window says so before
  // anything is sent, and the text stays in the box.
  await myList.locator('[data-email="carol@example.com"]').dblclick();
  const { page: toCarol } = await me.openRequestedConversation();
  await expect(toCarol.locator('.offline-notice')).toHaveText(
    'Carol appears to be offline. Messages cannot reach them until they sign in.',
  );
  const box = toCarol.getByRole('textbox', { name: 'Type your message' });
  await box.fill('Are you awake?');
  await box.press('Enter');
  await expect(toCarol.getByRole('log')).toContainText(
    'Your message could not be sent: Carol is offline. Your text is still in the box: send it once they sign in.',
  );
  await expect(box).toHaveValue('Are you awake?');
  await expect(toCarol.locator('.log-message')).toHaveCount(0);
  await msn.screenshot(toCarol, 'conversation-offline');
  await box.fill('');

  // Signed out, the conversation has ended: sending fails and the text goes back in the box.
  await me.call('account:sign-out', {});
  const input = toCarol.getByRole('textbox', { name: 'Type your message' });
  await input.fill('Hello?');
  await input.press('Enter');
  await expect(toCarol.getByRole('log')).toContainText('Your message could not be sent');
  await expect(input).toHaveValue('Hello?');
});

test('counts down near the length limit', async ({ msn }) => {
  const server = await msn.server([alice, bob, carol]);
  const me = await msn.user(server, alice);
  const myList = await signedIn(me);
  const mine = await startWithBob(me, myList);
  const input = mine.getByRole('textbox', { name: 'Type your message' });
  await input.fill('x'.repeat(100));
  await expect(mine.getByText(/characters left/)).toHaveCount(0);
  await input.fill('x'.repeat(16_000));
  await expect(mine.getByText('384 characters left')).toBeVisible();
  await input.fill('x'.repeat(17_000));
  await expect(input).toHaveValue('x'.repeat(16_384));
  await expect(mine.getByText('0 characters left')).toBeVisible();
});
