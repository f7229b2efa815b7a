// The composition root of the services: everything the IPC contract's commands do, with no
// Electron in sight. Electron (src/main/index.ts), the browser test bridge and the demo each
// give it a settings store, a credential store and a window host, and carry `dispatch` and
// `onEvent` over their own transport.
import {
  createDispatcher,
  createEmitter,
  CommandError,
  type EventName,
  type Handlers,
  type IpcResult,
} from '../../shared/ipc';
import type { Contact, Participant, SavedAccount, ServerPreset } from '../../shared/schemas';
import { contactSignedInAlert, messageAlert, nudgeAlert, type Alert } from './alerts';
import { ContactsService, BATCH_WINDOW_MS, SYSTEM_TIMERS, type Timers } from './contacts';
import { ConversationsService, type IncomingKind } from './conversations';
import type { CredentialStore } from './credentials';
import type { Notifier, SoundPlayer, WindowHost } from './host';
import { BUILT_IN_PRESETS } from './presets';
import { SessionService, type EngineOptions } from './session';
import { proxyPasswordKey } from './network';
import { TraceLog } from './trace-log';
import { WireTrace, type TraceEntry } from '../msnp/transport';
import { formatTrace } from '../../shared/trace-format';
import type { SettingsStore } from './settings';

export interface AppCoreDeps {
  settings: SettingsStore;
  credentials: CredentialStore;
  windows: WindowHost;
  /** Optional where there is no desktop to show toasts or play sounds. */
  notifier?: Notifier;
  sounds?: SoundPlayer;
  now?: () => number;
  /** Servers offered at sign-in; the built-in ones by default. */
  presets?: readonly ServerPreset[];
  /** Engine timeouts, keep-alive and reconnection; the engine's defaults otherwise. */
  engine?: EngineOptions;
  /** How long contact changes are gathered into one `contacts:changed`, and the timers for it. */
  contactBatchMs?: number;
  timers?: Timers;
  /** The system's proxy for a URL, in PAC form (Electron's session.resolveProxy); none without it. */
  resolveSystemProxy?: (url: string) => Promise<string>;
}

/** Inspector lines are sent in batches this far apart, so a presence burst is a few events. */
const INSPECTOR_BATCH_MS = 100;

export interface CommandContext {
  /** Which window sent the command; `shell` for the tray, idle detection and window events. */
  readonly senderId: string;
}

export interface AppCore {
  dispatch(channel: unknown, payload: unknown, ctx: CommandContext): Promise<IpcResult<unknown>>;
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void;
  /** Signs in the account marked "sign me in automatically", if any. */
  start(): Promise<void>;
  /** Signs out (so the server sees us leave) and stops. */
  shutdown(): Promise<void>;
}

export function createAppCore(deps: AppCoreDeps): AppCore {
  const { settings, credentials, windows } = deps;
  const now = deps.now ?? Date.now;
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  const emit = createEmitter((event, payload) => {
    for (const listener of [...listeners]) listener(event, payload);
  });

  function alert(result: Alert, conversationId: string | undefined, onToastClick: () => void): void {
    if (conversationId !== undefined && result.openWindow)
      windows.openConversation(conversationId, { activate: false });
    if (conversationId !== undefined && result.flash) windows.flashConversation(conversationId);
    if (result.toast) deps.notifier?.show(result.toast, onToastClick);
    if (result.sound) deps.sounds?.play(result.sound);
  }

  const showConversation = (conversationId: string): void =>
    windows.openConversation(conversationId, { activate: true });

  const contacts = new ContactsService(
    {
      loaded: (payload) => emit('contacts:loaded', payload),
      changed: (batch) => emit('contacts:changed', batch),
      signedIn: (contact: Contact) =>
        alert(contactSignedInAlert(settings.preferences(), session.profile?.status, contact), undefined, () => {
          // Clicking "X has just signed in" starts a conversation with X, as it always did.
          try {
            showConversation(conversations.open(contact.email));
          } catch {
            windows.showContactList();
          }
        }),
    },
    deps.contactBatchMs ?? BATCH_WINDOW_MS,
    deps.timers ?? SYSTEM_TIMERS,
  );

  const conversations = new ConversationsService({
    emit,
    now,
    self: (): Participant => ({
      email: session.profile?.email ?? '',
      displayName: session.profile?.displayName ?? session.profile?.email ?? '',
    }),
    nameOf: (email) => contacts.get(email)?.displayName ?? email,
    incoming: (conversationId: string, kind: IncomingKind, from: Participant, text: string) => {
      const prefs = settings.preferences();
      const status = session.profile?.status;
      const state = windows.conversationWindowState(conversationId);
      const result =
        kind === 'nudge'
          ? nudgeAlert(prefs, status, state)
          : messageAlert(prefs, status, { conversationId, from, text }, state);
      alert(result, conversationId, () => showConversation(conversationId));
    },
    reportError: (message) => emit('session:error', { message }),
  });

  // The wire trace of every sign-in, recorded only while an inspector watches.
  const trace = new WireTrace();
  const traceLog = new TraceLog(trace);
  const inspectors = new Map<string, () => void>();
  let unsent: TraceEntry[] = [];
  let inspectorTimer: ReturnType<typeof setTimeout> | undefined;
  const sendEntries = (): void => {
    inspectorTimer = undefined;
    const entries = unsent;
    unsent = [];
    // The engine clips entries to sizes the contract accepts.
    if (entries.length > 0 && inspectors.size > 0) emit('inspector:entries', { entries });
  };
  const queueEntry = (entry: TraceEntry): void => {
    unsent.push(entry);
    inspectorTimer ??= setTimeout(sendEntries, INSPECTOR_BATCH_MS);
  };

  const session = new SessionService({
    emit,
    settings,
    credentials,
    contacts,
    conversations,
    signedOutUnexpectedly: () => windows.showContactList(),
    ...(deps.engine === undefined ? {} : { engine: deps.engine }),
    network: { trace, ...(deps.resolveSystemProxy ? { resolveSystemProxy: deps.resolveSystemProxy } : {}) },
  });

  const presets = [...(deps.presets ?? BUILT_IN_PRESETS)];

  const handlers: Handlers<CommandContext> = {
    'account:list': async () => {
      const accounts: SavedAccount[] = [];
      for (const account of settings.accounts()) {
        accounts.push({
          ...account,
          rememberMe: true,
          hasSavedPassword: (await credentials.get(account.email)) !== undefined,
        });
      }
      return { accounts, presets };
    },
    'account:sign-in': (input) => session.signIn(input),
    'account:sign-out': () => session.signOut(),
    'account:forget': async ({ email }) => {
      settings.forgetAccount(email);
      try {
        await credentials.delete(email);
      } catch (err) {
        throw new CommandError(
          `The account was forgotten, but its password could not be removed from the keychain: ${
            err instanceof Error ? err.message : String(err)
          }`,
        );
      }
    },
    'session:snapshot': () => session.snapshot(),
    'presence:set-status': ({ status }) => session.setStatus(status),
    'profile:set-display-name': ({ displayName }) => session.withClient((c) => c.setDisplayName(displayName)),
    'profile:set-personal-message': ({ text }) => session.withClient((c) => c.setPersonalMessage(text)),
    'contacts:add': ({ email, groupId }) =>
      session.withClient(async (c) => {
        await c.addContact(email, groupId === undefined ? {} : { groupId });
      }),
    'contacts:remove': ({ email }) => session.withClient((c) => c.removeContact(email)),
    'contacts:block': ({ email }) => session.withClient((c) => c.blockContact(email)),
    'contacts:unblock': ({ email }) => session.withClient((c) => c.unblockContact(email)),
    'contacts:respond-added': ({ email, allow, addToContacts }) =>
      session.withClient((c) => c.respondToAddition(email, { allow, addToContacts })),
    'contacts:move': ({ email, fromGroupId, toGroupId }) =>
      session.withClient((c) => c.moveContact(email, fromGroupId, toGroupId)),
    'groups:create': ({ name }) => session.withClient(async (c) => ({ id: (await c.createGroup(name)).id })),
    'groups:rename': ({ id, name }) => session.withClient((c) => c.renameGroup(id, name)),
    'groups:delete': ({ id }) => session.withClient((c) => c.deleteGroup(id)),
    'conversation:open': ({ email }) => {
      const conversationId = conversations.open(email);
      showConversation(conversationId);
      return { conversationId };
    },
    'conversation:snapshot': ({ conversationId }) => conversations.snapshot(conversationId),
    'conversation:send': ({ conversationId, text, format }) => ({
      messageIds: conversations.send(conversationId, text, format),
    }),
    'conversation:typing': ({ conversationId }) => conversations.typing(conversationId),
    'conversation:nudge': ({ conversationId }) => conversations.nudge(conversationId),
    'conversation:invite': ({ conversationId, email }) => conversations.invite(conversationId, email),
    'conversation:close': ({ conversationId }) => conversations.close(conversationId),
    'settings:get': () => settings.preferences(),
    'settings:set': (preferences) => {
      settings.setPreferences(preferences);
      emit('settings:changed', settings.preferences());
    },
    'network:save-proxy-password': async ({ proxy, password }) => {
      const result = await credentials.save(proxyPasswordKey(proxy), password);
      return result.saved ? { saved: true } : { saved: false, reason: result.reason };
    },
    'network:forget-proxy-password': ({ proxy }) => credentials.delete(proxyPasswordKey(proxy)),
    'inspector:open': () => {
      if (!windows.openInspector) throw new CommandError('The protocol inspector cannot be opened here');
      windows.openInspector();
    },
    'inspector:watch': (_input, { senderId }) => {
      if (!inspectors.has(senderId)) inspectors.set(senderId, traceLog.watch(queueEntry));
      return { entries: traceLog.entries() };
    },
    'inspector:unwatch': (_input, { senderId }) => {
      inspectors.get(senderId)?.();
      inspectors.delete(senderId);
    },
    'inspector:clear': () => traceLog.clear(),
    'inspector:save': async (_input, { senderId }) => {
      if (!windows.saveText) throw new CommandError('Saving is not possible here');
      return { saved: await windows.saveText('protocol-trace.txt', formatTrace(traceLog.entries()), senderId) };
    },
    'shell:open-external': async ({ url }, { senderId }) => {
      if (!(await windows.openExternal(url, senderId))) {
        throw new CommandError('Links open in your browser only when you click them');
      }
    },
  };

  const dispatch = createDispatcher(handlers);

  return {
    dispatch,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start: () => session.signInAutomatically(),
    shutdown: async () => {
      for (const stop of inspectors.values()) stop();
      inspectors.clear();
      clearTimeout(inspectorTimer);
      await session.shutdown();
      contacts.clear();
    },
  };
}
