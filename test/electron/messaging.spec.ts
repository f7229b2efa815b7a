// Signing in and chatting in the real app, with a contact who answers (the demo's bot, an
// ordinary client of the engine) on the reference server.
import { startDemoBot } from '../../src/main/demo/bot';
import { account, expect, serverConfig, signIn, test } from './app';

const alice = account('Alice', ['Bob', 'Carol']);
const bob = account('Bob', ['Alice']);
const carol = account('Carol');

test('signs in, chats in one conversation window, and changes status from the tray @smoke', async ({ desktop }) => {
  const server = await desktop.server([alice, bob, carol]);
  const bot = await startDemoBot(serverConfig(server), bob.email, bob.password);
  try {
    const running = await desktop.launch({ profile: desktop.profile(), server });
    desktop.watch(running, 'app');
    const list = running.contactList;
    await signIn(list, alice);

    // The list fills from the server: Bob is online, Carol is not.
    await expect(list.getByRole('treeitem', { name: /Bob/ })).not.toContainText('(Offline)');
    await expect(list.getByRole('treeitem', { name: /Carol/ })).toContainText('(Offline)');
    await desktop.screenshot(list, 'contact-list');

    // Double-click opens one conversation window; a second double-click focuses it.
    const conversation = await running.openConversation(bob.email);
    expect(await running.windows()).toHaveLength(2);
    // The list takes the focus back first, so the double-click has something to do. The app is
    // made the active one first, as the user's clicks in it would (on macOS a window of an
    // inactive app never reports focus).
    await running.app.evaluate(({ app }) => app.focus({ steal: true }));
    await running.app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows()
        .sort((a, b) => a.id - b.id)[0]
        ?.focus(),
    );
    await expect.poll(async () => (await running.windows())[1]?.focused).toBe(false);
    await list.locator(`[data-email="${bob.email}"]`).dblclick();
    await expect.poll(async () => (await running.windows())[1]?.focused).toBe(true);
    expect(await running.windows()).toHaveLength(2);

    // A message goes out, is delivered, and the answer comes back.
    const input = conversation.getByRole('textbox', { name: 'Type your message' });
    await input.fill('Hello from the desktop');
    await input.press('Enter');
    await expect(conversation.locator('.log-message.outgoing').last()).toHaveAttribute('data-delivery', 'delivered');
    await expect(conversation.locator('.log-message.incoming').last()).toContainText('Hello from the desktop');
    await desktop.screenshot(conversation, 'conversation');

    // The tray shows our status and its menu changes it.
    await expect.poll(async () => (await running.tray())?.icon).toBe('online');
    const tray = await running.tray();
    expect(tray?.checked).toBe('Online');
    expect(tray?.tooltip).toContain(alice.email);
    await running.chooseInTray('Away');
    await expect(list.getByRole('button', { name: 'Status: Away' })).toBeVisible();
    await expect.poll(async () => (await running.tray())?.icon).toBe('away');
    expect((await running.tray())?.checked).toBe('Away');
  } finally {
    await bot.stop();
  }
});
