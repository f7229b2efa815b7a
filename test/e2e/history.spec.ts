import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { account, expect, test, type User } from './harness';

const alice = account('Alice', ['Bob']);
const bob = account('Bob', ['Alice']);
const FIXTURES = join(import.meta.dirname, '../fixtures/history/folder');
const HISTORY_VIEWPORT = { width: 720, height: 520 };

async function signedIn(user: User): Promise<Page> {
  const page = await user.openContactList();
  await user.signIn(page);
  return page;
}

async function keepHistory(list: Page, screenshot: (page: Page, name: string) => Promise<void>): Promise<void> {
  await list.getByRole('navigation', { name: 'Menu bar' }).getByRole('button', { name: 'Tools' }).click();
  await list.getByRole('menuitem', { name: 'Options...' }).click();
  const options = list.getByRole('dialog', { name: 'Options' });
  await expect(options.getByRole('tab', { name: 'General' })).toHaveAttribute('aria-selected', 'true');
  await options.getByLabel('Keep a history of my conversations').check();
  await expect(options.getByLabel('Earlier messages to show')).toHaveValue('5');
  await screenshot(list, 'history-options');
  await options.getByRole('button', { name: 'OK' }).click();
  await expect(options).toHaveCount(0);
}

async function openHistory(user: User, contact?: string): Promise<Page> {
  await expect.poll(() => user.bridge.windows.historyRequests.length).toBeGreaterThan(0);
  expect(user.bridge.windows.historyRequests.at(-1)).toBe(contact);
  const page = await user.context.newPage();
  await page.setViewportSize(HISTORY_VIEWPORT);
  await page.goto(user.bridge.historyUrl(contact));
  return page;
}

test('chat, close, reopen: the earlier messages show greyed; search finds a word and jumps to it', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  const list = await signedIn(me);
  await other.signInDirectly();
  await keepHistory(list, msn.screenshot);

  await list.locator('[data-email="bob@example.com"]').dblclick();
  const { page: first, conversationId } = await me.openRequestedConversation();
  const input = first.getByRole('textbox', { name: 'Type your message' });
  await input.fill('Shall we meet at the café tomorrow? <b>not bold</b>');
  await input.press('Enter');
  await expect(first.locator('.log-message.outgoing').last()).toHaveAttribute('data-delivery', 'delivered');
  await input.fill('東京 is nice too 👍');
  await input.press('Enter');
  await expect(first.locator('.log-message.outgoing').last()).toHaveAttribute('data-delivery', 'delivered');
  await first.close();
  await me.call('conversation:close', { conversationId });

  // A new conversation with Bob starts with the last messages, greyed.
  await list.locator('[data-email="bob@example.com"]').dblclick();
  const { page: second } = await me.openRequestedConversation();
  const earlier = second.getByLabel('Earlier messages');
  await expect(earlier).toContainText('Shall we meet at the café tomorrow? <b>not bold</b>');
  await expect(earlier).toContainText('東京 is nice too');
  await expect(earlier.locator('b, script')).toHaveCount(0);
  await expect(earlier).toHaveCSS('opacity', '0.55');
  await msn.screenshot(second, 'history-earlier-messages');

  // The History button opens the Message History window at Bob's log.
  await second.getByRole('button', { name: 'History' }).click();
  const history = await openHistory(me, 'bob@example.com');
  await expect(history.getByRole('log', { name: 'Message history' })).toContainText('Shall we meet at the café');
  await msn.screenshot(history, 'history-log');

  // Search without the accent; the match is marked, as text.
  await history.getByRole('searchbox', { name: 'Search the history' }).fill('cafe');
  await history.getByRole('searchbox', { name: 'Search the history' }).press('Enter');
  const results = history.getByRole('region', { name: 'Search results' });
  await expect(results.locator('mark')).toHaveText(['café']);
  await expect(results).toContainText('<b>not bold</b>');
  await expect(results.locator('b')).toHaveCount(0);
  await msn.screenshot(history, 'history-search');

  await results.getByRole('button', { name: /Shall we meet/ }).click();
  const focused = history.locator('.history-record.focused');
  await expect(focused).toContainText('Shall we meet at the café tomorrow?');
  await expect(focused).toBeInViewport();
  await msn.screenshot(history, 'history-jump');

  // A CJK word inside unspaced text is found too.
  await history.getByRole('searchbox', { name: 'Search the history' }).fill('東京');
  await history.getByRole('button', { name: 'Search' }).click();
  await expect(results.locator('mark')).toHaveText(['東京']);
});

test('File → Import Message History reads a folder of MSN Messenger logs and reports what it skipped', async ({
  msn,
}) => {
  const server = await msn.server([alice, bob]);
  const me = await msn.user(server, alice);
  const list = await signedIn(me);
  me.bridge.windows.folderToChoose = FIXTURES;

  await list.getByRole('navigation', { name: 'Menu bar' }).getByRole('button', { name: 'File' }).click();
  await list.getByRole('menuitem', { name: 'Import Message History...' }).click();
  const dialog = list.getByRole('dialog', { name: 'Import Message History' });
  const report = dialog.getByRole('status', { name: 'Import report' });
  await expect(report).toContainText('Imported 18 records from 5 files (bob@example.com, carol, dave, erin)');
  await expect(report).toContainText('notes.xml: not an MSN Messenger history file');
  await expect(report).toContainText('erin4567890123.xml: 3 records could not be read');
  await msn.screenshot(list, 'history-import-report');
  await dialog.locator('.dialog-buttons').getByRole('button', { name: 'Close' }).click();

  // Importing again adds nothing.
  await list.getByRole('navigation', { name: 'Menu bar' }).getByRole('button', { name: 'File' }).click();
  await list.getByRole('menuitem', { name: 'Import Message History...' }).click();
  await expect(list.getByRole('status', { name: 'Import report' })).toContainText('Imported 0 records from 5 files');
  await expect(list.getByRole('status', { name: 'Import report' })).toContainText('18 were in your history already.');
  await list
    .getByRole('dialog', { name: 'Import Message History' })
    .locator('.dialog-buttons')
    .getByRole('button', { name: 'Close' })
    .click();

  await list.getByRole('navigation', { name: 'Menu bar' }).getByRole('button', { name: 'Tools' }).click();
  await list.getByRole('menuitem', { name: 'Message History...' }).click();
  const history = await openHistory(me, undefined);
  const contacts = history.getByRole('list', { name: 'Contacts with history' });
  await expect(contacts.getByRole('button')).toHaveCount(4);
  // The list works from the keyboard: down to Carol, up to Bob, Enter opens his log.
  await contacts.getByRole('button', { name: /Bob ~ at work/ }).focus();
  await history.keyboard.press('ArrowDown');
  await expect(contacts.getByRole('button', { name: /Carol/ })).toBeFocused();
  await history.keyboard.press('ArrowUp');
  await history.keyboard.press('Enter');
  const log = history.getByRole('log', { name: 'Message history' });
  await expect(log).toContainText('Salut, ça va ? On se voit au café');
  await expect(log).toContainText('Carol has joined the conversation.');
  await expect(log.locator('.log-text').first()).toHaveCSS('font-weight', '700');
  await msn.screenshot(history, 'history-imported');

  // Conversations by date: the second one starts the log.
  const picker = history.getByLabel('Go to the conversation of');
  await expect(picker.locator('option')).toHaveCount(3);
  await picker.selectOption({ index: 1 });
  await expect(log.locator('.history-record').first()).toContainText('Carol wants to join us');

  // Exported back as an MSN Messenger log.
  const out = mkdtempSync(join(tmpdir(), 'history-export-'));
  try {
    me.bridge.windows.saveAs = join(out, 'bob.xml');
    await history.getByRole('button', { name: 'Export XML...' }).click();
    await expect(history.getByRole('status')).toHaveText(`Saved 11 records to ${join(out, 'bob.xml')}`);
    const xml = readFileSync(join(out, 'bob.xml'), 'utf8');
    expect(xml).toContain('<Log FirstSessionID="1" LastSessionID="2">');
    expect(xml).toContain('Salut, ça va ? On se voit au café');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
