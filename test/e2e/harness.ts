// Fixtures for the end-to-end specs: a fresh reference server per test, one bridge (one running
// app) per user, a browser context per user whose pages are that app's windows, and helpers to
// sign in, open the windows the app asks for, and save screenshots.
import { join } from 'node:path';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import type { CommandInput, CommandName, CommandOutput } from '../../src/shared/ipc';
import type { ServerPreset } from '../../src/shared/schemas';
import type { EngineOptions } from '../../src/main/app/session';
import { startServer, type AccountSpec, type RunningServer } from '../server';
import { startBridge, type Bridge } from './bridge/bridge';

export const SCREENSHOT_DIR = join(import.meta.dirname, '../../test-results/screenshots');

// The app's default window sizes.
export const CONTACT_LIST_VIEWPORT = { width: 320, height: 640 };
export const CONVERSATION_VIEWPORT = { width: 520, height: 440 };

export function presetFor(server: RunningServer): ServerPreset {
  const [host = '127.0.0.1', port = '0'] = server.dispatch.split(':');
  return {
    id: 'reference',
    label: 'Reference test server',
    server: { host, port: Number(port), nexus: server.nexus, caFile: server.ca },
  };
}

/** One user's running app and browser windows. */
export class User {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly bridge: Bridge,
    readonly context: BrowserContext,
  ) {}

  /** Runs a command on this user's app directly, as another client would, and returns its value. */
  async call<C extends CommandName>(channel: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
    const result = await this.bridge.core.dispatch(channel, input, { senderId: 'test' });
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`);
    return result.value as CommandOutput<C>;
  }

  /** Signs in without the UI (for the other side of a conversation). */
  async signInDirectly(): Promise<void> {
    const { presets } = await this.call('account:list', {});
    const preset = presets[0];
    if (!preset) throw new Error('no server preset');
    await this.call('account:sign-in', {
      email: this.email,
      password: this.password,
      status: 'NLN',
      server: preset.server,
      rememberMe: false,
      rememberPassword: false,
      signInAutomatically: false,
    });
  }

  async openContactList(): Promise<Page> {
    const page = await this.context.newPage();
    await page.setViewportSize(CONTACT_LIST_VIEWPORT);
    await page.goto(this.bridge.url);
    return page;
  }

  /** Signs in through the sign-in screen and waits for the contact list. */
  async signIn(page: Page, password = this.password): Promise<void> {
    await page.getByLabel('E-mail address:').fill(this.email);
    await page.getByLabel('Password:').fill(password);
    await page.getByRole('button', { name: 'Sign In' }).click();
    await expect(page.getByRole('tree', { name: 'Contacts' })).toBeVisible();
  }

  /** Opens the next conversation window the app asked for, as Electron would. */
  async openRequestedConversation(): Promise<{ page: Page; conversationId: string }> {
    const conversationId = await this.bridge.windows.nextConversation();
    const page = await this.context.newPage();
    await page.setViewportSize(CONVERSATION_VIEWPORT);
    await page.goto(this.bridge.conversationUrl(conversationId));
    await expect(page.getByRole('log', { name: 'Conversation' })).toBeVisible();
    return { page, conversationId };
  }
}

export interface Harness {
  server(
    accounts: AccountSpec[],
    options?: { latencyMs?: number; maxDialect?: number; oimQuota?: number; holdAcks?: boolean },
  ): Promise<RunningServer>;
  /**
   * One user's app; `engine` tunes its engine (e.g. `protocols`; by default the app's own offer);
   * `preset` is the server as that app is told of it (e.g. through a proxy the test can cut).
   */
  user(server: RunningServer, account: AccountSpec, engine?: EngineOptions, preset?: ServerPreset): Promise<User>;
  screenshot(page: Page, name: string): Promise<void>;
}

export const test = base.extend<{ msn: Harness }>({
  msn: async ({ browser }, use) => {
    const cleanups: (() => Promise<unknown>)[] = [];
    const problems: string[] = [];
    const harness: Harness = {
      server: async (accounts, options = {}) => {
        const server = await startServer({ accounts, ...options });
        cleanups.push(() => server.close());
        return server;
      },
      user: async (server, account, engine, preset) => {
        const bridge = await startBridge({
          presets: [preset ?? presetFor(server)],
          ...(engine === undefined ? {} : { engine }),
        });
        cleanups.push(() => bridge.close());
        const context = await browser.newContext({ viewport: CONTACT_LIST_VIEWPORT });
        cleanups.push(() => context.close());
        // Chromium has no msn-picture:// handler outside Electron: hand its requests to the app's.
        await context.route('msn-picture://**', async (route) => {
          const answer = await fetch(bridge.pictureUrl(route.request().url()));
          await route.fulfill({
            status: answer.status,
            headers: Object.fromEntries(answer.headers),
            body: Buffer.from(await answer.arrayBuffer()),
          });
        });
        // Any script error or CSP violation in a window fails the test.
        context.on('weberror', (error) => problems.push(`${account.email}: ${error.error().message}`));
        context.on('console', (message) => {
          if (message.type() === 'error') problems.push(`${account.email}: ${message.text()}`);
        });
        return new User(account.email, account.password, bridge, context);
      },
      screenshot: async (page, name) => {
        await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
      },
    };
    await use(harness);
    const seen = [...problems];
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    expect(seen, 'errors in the windows').toEqual([]);
  },
});

export { expect };

/** Accounts that know each other, for specs that need a few people. */
export function account(name: string, contacts: string[] = []): AccountSpec {
  return {
    email: `${name.toLowerCase()}@example.com`,
    password: `${name.toLowerCase()}-secret`,
    displayName: name,
    contacts: contacts.map((c) => `${c.toLowerCase()}@example.com`),
  };
}
