import { account, expect, test } from './harness';

/** What the recorder uses in the page (the specs compile without the DOM library). */
interface PageGlobals {
  cspViolations: string[];
  addEventListener(type: string, listener: (event: { violatedDirective: string; sourceFile: string }) => void): void;
}

const alice = account('Alice', ['Bob']);
const bob = account('Bob');

// The strict policy forbids eval; a library probing for it (zod's JIT does) is reported as a
// violation even when it catches the error, so nothing in the app may try.
test('signing in and chatting reports no Content-Security-Policy violation', async ({ msn }) => {
  const server = await msn.server([alice, bob]);
  const me = await msn.user(server, alice);
  const other = await msn.user(server, bob);
  await me.context.addInitScript(() => {
    const page = globalThis as unknown as PageGlobals;
    page.cspViolations = [];
    page.addEventListener('securitypolicyviolation', (event) =>
      page.cspViolations.push(`${event.violatedDirective} (${event.sourceFile})`),
    );
  });
  const list = await me.openContactList();
  await me.signIn(list);
  await other.signInDirectly();
  await list.locator('[data-email="bob@example.com"]').dblclick();
  const { page: conversation } = await me.openRequestedConversation();
  const input = conversation.getByRole('textbox', { name: 'Type your message' });
  await input.fill('Hello');
  await input.press('Enter');
  await expect(conversation.locator('.log-message.outgoing').last()).toHaveAttribute('data-delivery', 'delivered');

  for (const page of [list, conversation]) {
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).cspViolations)).toEqual([]);
  }
});
