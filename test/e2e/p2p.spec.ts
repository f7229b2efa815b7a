// Display pictures, custom emoticons and file transfer through the real UI: two people's apps
// against the reference server, the pictures fetched over MSNP2P and shown through msn-picture://.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { account, expect, test, type User } from './harness';

const alice = account('Alice', ['Bob']);
const bob = account('Bob', ['Alice']);

async function signedIn(user: User): Promise<Page> {
  const page = await user.openContactList();
  await user.signIn(page);
  return page;
}

/** Whether an <img> has decoded real pixels (a broken image has none). */
async function decoded(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluate((element) => {
    const img = element as unknown as { complete: boolean; naturalWidth: number };
    return img.complete ? img.naturalWidth : 0;
  });
}

test('a display picture chosen in the dialog shows in your list and in the other person’s window', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  const myList = await signedIn(me);
  await signedIn(other);

  await myList.getByRole('button', { name: 'Change your display picture' }).click();
  const dialog = myList.getByRole('dialog', { name: 'Display Picture' });
  await dialog.getByRole('button', { name: 'Rubber duck' }).click();
  await expect(dialog.getByRole('img', { name: 'Your new picture' })).toBeVisible();
  await msn.screenshot(myList, 'picture-dialog');
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toBeHidden();
  const own = myList.getByRole('img', { name: 'Your display picture' });
  await expect(own).toBeVisible();
  await expect.poll(() => decoded(myList, '.cl-header img')).toBe(96);

  // Bob opens a conversation with Alice: her picture is fetched over P2P and shown at the top.
  const bobList = (await other.context.pages())[0] as Page;
  await bobList.locator('[data-email="alice@example.com"]').dblclick();
  const { page: theirs } = await other.openRequestedConversation();
  const frame = theirs.getByRole('img', { name: "Alice's display picture" });
  await expect(frame).toBeVisible();
  await expect.poll(() => decoded(theirs, '.conv-pictures img')).toBe(96);
  await msn.screenshot(theirs, 'picture-in-conversation');
});

test('a custom emoticon shows inline in the message that uses it', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  const myList = await signedIn(me);
  await signedIn(other);

  // Alice makes an emoticon from a picture file (a 20×20 GIF drawn here).
  await myList.getByRole('button', { name: 'Tools' }).click();
  await myList.getByRole('menuitem', { name: 'Emoticons...' }).click();
  const dialog = myList.getByRole('dialog', { name: 'Emoticons' });
  const gif = join(mkdtempSync(join(tmpdir(), 'revival-emoticon-')), 'cat.gif');
  writeFileSync(
    gif,
    Buffer.from('R0lGODlhFAAUAIAAAP+AAP///yH5BAAAAAAALAAAAAAUABQAAAIRhI+py+0Po5y02ouz3rz7rxUAOw==', 'base64'),
  );
  await dialog.getByLabel('Emoticon picture').setInputFiles(gif);
  await dialog.getByLabel('Keyboard shortcut (up to 7 characters)').fill('(cat)');
  await dialog.getByLabel('Name').fill('Cat');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('list', { name: 'My emoticons' })).toContainText('(cat)');
  await msn.screenshot(myList, 'emoticons-dialog');
  await dialog.getByRole('button', { name: 'OK' }).click();

  await myList.locator('[data-email="bob@example.com"]').dblclick();
  const { page: mine } = await me.openRequestedConversation();
  const input = mine.getByRole('textbox', { name: 'Type your message' });
  await input.fill('meet my (cat) :)');
  await input.press('Enter');
  await expect(mine.locator('.log-message.outgoing').last()).toHaveAttribute('data-delivery', 'delivered');
  await expect(mine.locator('.log-message.outgoing').last().getByRole('img', { name: '(cat)' })).toBeVisible();

  const { page: theirs } = await other.openRequestedConversation();
  const received = theirs.locator('.log-message.incoming').last();
  await expect(received).toContainText('meet my');
  const cat = received.getByRole('img', { name: '(cat)' });
  await expect(cat).toBeVisible();
  await expect.poll(() => cat.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(20);
  await expect(received.getByRole('img', { name: ':)' })).toBeVisible();
  await msn.screenshot(theirs, 'custom-emoticon');
});

test('a file sent from the window is accepted, runs to 100 % and is saved', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  const myList = await signedIn(me);
  await signedIn(other);

  const folder = mkdtempSync(join(tmpdir(), 'revival-e2e-send-'));
  const file = join(folder, 'song.mp3');
  const content = randomBytes(2 * 1024 * 1024);
  writeFileSync(file, content);

  await myList.locator('[data-email="bob@example.com"]').dblclick();
  const { page: mine } = await me.openRequestedConversation();
  me.bridge.files.toChoose = [file];
  await mine.getByRole('button', { name: 'Send Files' }).click();
  await expect(mine.getByLabel('File transfer: song.mp3')).toContainText('Waiting for Bob to accept');
  await msn.screenshot(mine, 'transfer-waiting');

  const { page: theirs } = await other.openRequestedConversation();
  const offer = theirs.getByLabel('File transfer: song.mp3');
  await expect(offer).toContainText('Alice would like to send you the file "song.mp3" (2.0 MB).');
  await msn.screenshot(theirs, 'transfer-offered');
  await offer.getByRole('button', { name: 'Accept' }).click();

  await expect(offer).toContainText('You have successfully received "song.mp3" from Alice.');
  await expect(mine.getByLabel('File transfer: song.mp3')).toContainText('Transfer of "song.mp3" to Bob is complete.');
  await msn.screenshot(theirs, 'transfer-received');
  const saved = readFileSync(join(other.bridge.files.downloads, 'song.mp3'));
  expect(createHash('sha256').update(saved).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
  await offer.getByRole('button', { name: 'Open Folder' }).click();
  await expect.poll(() => other.bridge.files.shown).toEqual([join(other.bridge.files.downloads, 'song.mp3')]);
});

test('a progress bar follows a transfer, and the receiver can cancel it', async ({ msn }) => {
  const server = await msn.server([alice, bob], { latencyMs: 2 });
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  const myList = await signedIn(me);
  await signedIn(other);

  const file = join(mkdtempSync(join(tmpdir(), 'revival-e2e-big-')), 'video.avi');
  writeFileSync(file, randomBytes(8 * 1024 * 1024));
  await myList.locator('[data-email="bob@example.com"]').dblclick();
  const { page: mine } = await me.openRequestedConversation();
  me.bridge.files.toChoose = [file];
  await mine.getByRole('button', { name: 'Send Files' }).click();

  const { page: theirs } = await other.openRequestedConversation();
  const offer = theirs.getByLabel('File transfer: video.avi');
  await offer.getByRole('button', { name: 'Accept' }).click();
  const bar = offer.getByRole('progressbar', { name: 'Transfer of video.avi' });
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
  await expect(offer).toContainText(/of 8\.0 MB/);
  await msn.screenshot(theirs, 'transfer-progress');
  await offer.getByRole('button', { name: 'Cancel' }).click();
  await expect(offer).toContainText('You have cancelled the transfer of "video.avi".');
  await expect(mine.getByLabel('File transfer: video.avi')).toContainText(
    'Bob has cancelled the transfer of "video.avi".',
  );
});
