// Living in the tray, one copy per profile, and quitting for good.
import { account, appEnvironment, expect, runApp, signIn, test } from './app';

const alice = account('Alice');

test('closing the list keeps the app in the tray, a second launch shows it, Exit ends every process', async ({
  desktop,
}) => {
  const server = await desktop.server([alice]);
  const profile = desktop.profile();
  const running = await desktop.launch({ profile, server });
  desktop.watch(running, 'app');
  await signIn(running.contactList, alice);

  // Closing the contact list while signed in only hides it: the app and the session go on.
  await running.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
  await expect.poll(async () => (await running.windows())[0]?.visible).toBe(false);
  expect(await running.windows()).toHaveLength(1);
  expect((await running.tray())?.icon).toBe('online');

  // A second launch with the same profile hands over to the running copy and exits.
  const second = await runApp([], appEnvironment({ profile, server }));
  expect(second.code, second.stderr).toBe(0);
  await expect.poll(async () => (await running.windows())[0]?.visible).toBe(true);
  // It is also given the focus. Only checked on Linux (Xvfb, no window manager): Windows and
  // macOS may refuse focus to a process the user did not click, which a test cannot be.
  if (process.platform === 'linux') await expect.poll(async () => (await running.windows())[0]?.focused).toBe(true);
  expect(await running.windows()).toHaveLength(1);
  await expect(running.contactList.getByRole('tree', { name: 'Contacts' })).toBeVisible();

  // Exit in the tray menu quits: the main process and all its helpers are gone.
  const pids = await running.pids();
  expect(pids.length).toBeGreaterThan(1);
  const closed = running.app.waitForEvent('close');
  await running.chooseInTray('Exit');
  await closed;
  await expect.poll(() => pids.filter(alive)).toEqual([]);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
