// The composition root of the services: everything the IPC contract's commands do, with no
// Electron in sight. Electron (src/main/index.ts), the browser test bridge and the demo each
// give it a settings store, a credential store and a window host, and carry `dispatch` and
// `onEvent` over their own transport.
import { join } from 'node:path';
import {
  createDispatcher,
  createEmitter,
  CommandError,
  type EventName,
  type EventPayload,
  type Handlers,
  type IpcResult,
} from '../../shared/ipc';
import type { TransferOutcome } from '../../shared/history';
import type { Contact, Participant, SavedAccount, ServerPreset, Transfer } from '../../shared/schemas';
import { contactSignedInAlert, fileOfferAlert, messageAlert, nudgeAlert, type Alert } from './alerts';
import { ContactsService, BATCH_WINDOW_MS, SYSTEM_TIMERS, type Timers } from './contacts';
import { ConversationsService, type IncomingKind } from './conversations';
import type { CredentialStore } from './credentials';
import { MediaService } from './media';
import { servePicture, type PictureResponse } from './pictures/scheme';
import { ObjectStore } from './pictures/store';
import { TransfersService, type FileHost } from './transfers';
import { HistoryService } from './history/service';
import type { Notifier, SoundPlayer, WindowHost } from './host';
import { BUILT_IN_PRESETS } from './presets';
import { SessionService, type EngineOptions } from './session';
import { installationGuid } from './machine-guid';
import { createDownload, type FileSink } from '../msnp/p2p/files';
import { fileSource, type FileSource } from '../msnp/p2p/source';
import type { EmoticonDeclaration } from '../msnp/p2p/emoticons';
import { proxyPasswordKey } from './network';
import { OfflineInbox } from './offline-inbox';
import { Outbox } from './outbox';
import { TraceLog } from './trace-log';
import { WireTrace, type TraceEntry } from '../msnp/transport';
import { formatTrace } from '../../shared/trace-format';
import type { SettingsStore } from './settings';

export interface AppCoreDeps {
  settings: SettingsStore;
  credentials: CredentialStore;
  windows: WindowHost;
  /** The app's data folder: the picture and emoticon cache lives here. */
  dataDir: string;
  /** File choosers, the received-files folder, opening files. */
  files: FileHost;
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
  /** Where each account's message history database lives (the app's data folder); none kept without. */
  historyDir?: string;
  /** The system's proxy for a URL, in PAC form (Electron's session.resolveProxy); none without it. */
  resolveSystemProxy?: (url: string) => Promise<string>;
}

/** Inspector lines are sent in batches this far apart, so a presence burst is a few events. */
const INSPECTOR_BATCH_MS = 100;

/** How each way a transfer ends is kept in the history; running states are not an end. */
const TRANSFER_OUTCOMES: Partial<Record<Transfer['state'], TransferOutcome>> = {
  done: 'completed',
  declined: 'declined',
  cancelled: 'cancelled',
  failed: 'failed',
};

/** Files whose invitation carries a preview: the picture formats a thumbnail can be made of. */
const PICTURE_FILE = /\.(png|jpe?g|gif|bmp)$/i;

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
  /** Answers a window's msn-picture:// request from the verified cache. */
  servePicture(method: string, url: string): Promise<PictureResponse>;
}

export function createAppCore(deps: AppCoreDeps): AppCore {
  const { settings, credentials, windows } = deps;
  const now = deps.now ?? Date.now;
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  const emit = createEmitter((event, payload) => {
    // The history follows the account signed in (one database each).
    if (event === 'session:signed-in') {
      const { profile } = payload as EventPayload<'session:signed-in'>;
      history.signedIn({ email: profile.email, displayName: profile.displayName });
    } else if (event === 'profile:changed') {
      const profile = payload as EventPayload<'profile:changed'>;
      if (history.signedInAs) history.signedIn({ email: profile.email, displayName: profile.displayName });
    } else if (event === 'session:signed-out') history.signedOut();
    for (const listener of [...listeners]) listener(event, payload);
  });

  const history = new HistoryService({
    dir: deps.historyDir,
    preferences: () => settings.preferences().history,
    reportError: (message) => emit('session:error', { message }),
    now,
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

  const self = (): Participant => ({
    email: session.profile?.email ?? '',
    displayName: session.profile?.displayName ?? session.profile?.email ?? '',
  });

  const conversations = new ConversationsService({
    emit,
    now,
    self,
    nameOf: (email) => contacts.get(email)?.displayName ?? email,
    isOffline: (email) => contacts.get(email)?.status === 'FLN',
    pictureOf: (email): string | undefined =>
      email.toLowerCase() === session.profile?.email.toLowerCase()
        ? session.profile.pictureId
        : contacts.get(email)?.pictureId,
    incoming: (conversationId: string, kind: IncomingKind, from: Participant, text: string) => {
      // Their window is (or is about to be) on screen: so is their picture.
      session.wantPicture(from.email);
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
    history,
    outbox: new Outbox({
      dir: join(deps.dataDir, 'outbox'),
      reportError: (message) => emit('session:error', { message }),
      now,
    }),
    restored: (conversationId) => windows.openConversation(conversationId, { activate: false }),
  });

  const objects = new ObjectStore(join(deps.dataDir, 'objects'));
  const media = new MediaService({
    store: objects,
    settings,
    emoticonsChanged: (list) => emit('emoticons:changed', { emoticons: [...list] }),
    pictureReady: (email, pictureId) => session.pictureReady(email, pictureId),
  });

  /** Each transfer's record in the message history, to say later how it ended. */
  const transferRecords = new Map<string, number>();
  const logTransfer = (conversationId: string, transfer: Transfer): void => {
    const record = transferRecords.get(transfer.id);
    if (record === undefined) {
      const outgoing = transfer.direction === 'send';
      const id = history.fileTransfer(conversationId, conversations.contactOf(conversationId) ?? transfer.peer, {
        from: outgoing ? self() : transfer.peer,
        outgoing,
        fileName: transfer.name,
        size: transfer.size,
        outcome: 'offered',
        at: now(),
      });
      if (id !== undefined) transferRecords.set(transfer.id, id);
      return;
    }
    const outcome = TRANSFER_OUTCOMES[transfer.state];
    if (outcome === undefined) return;
    transferRecords.delete(transfer.id);
    history.transferEnded(record, outcome, transfers.savedPath(transfer.id));
  };

  const transfers = new TransfersService<FileSource, FileSink>({
    emit: (conversationId, transfer) => {
      conversations.recordTransfer(conversationId, transfer);
      logTransfer(conversationId, transfer);
      emit('transfer:changed', { conversationId, transfer });
    },
    files: deps.files,
    objects,
    openSource: async (path) =>
      fileSource(path, PICTURE_FILE.test(path) ? await deps.files.thumbnail(path) : undefined),
    createSink: (folder, name) => createDownload(folder, name),
    appConversation: (engineId) => conversations.appIdOf(engineId),
    engineConversation: (conversationId) => conversations.oneToOne(conversationId),
    participant: (email) => ({ email, displayName: contacts.get(email)?.displayName ?? email }),
    offered: (conversationId, { peer, name }) => {
      const state = windows.conversationWindowState(conversationId);
      const offer = { conversationId, from: peer, name };
      alert(fileOfferAlert(settings.preferences(), session.profile?.status, offer, state), conversationId, () =>
        showConversation(conversationId),
      );
    },
    now,
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

  let machineGuid: string | undefined;
  const session = new SessionService({
    emit,
    settings,
    credentials,
    contacts,
    conversations,
    media,
    offlineInbox: new OfflineInbox({
      show: (messages) => conversations.receiveOffline(messages),
      nameOf: (email) => contacts.get(email)?.displayName ?? email,
      reportError: (message) => emit('session:error', { message }),
    }),
    p2pChanged: (p2p) => (p2p ? transfers.attach(p2p) : transfers.detach()),
    picturesInList: () => settings.preferences().pictures.showInContactList,
    signedOutUnexpectedly: () => windows.showContactList(),
    ...(deps.engine === undefined ? {} : { engine: deps.engine }),
    network: { trace, ...(deps.resolveSystemProxy ? { resolveSystemProxy: deps.resolveSystemProxy } : {}) },
    // Read (or made) at the first sign-in, when a window is there to hear a failure to save it.
    machineGuid: () =>
      (machineGuid ??= installationGuid(deps.dataDir, (message) => emit('session:error', { message }))),
  });

  const presets = [...(deps.presets ?? BUILT_IN_PRESETS)];

  /** Our own custom emoticons `text` uses, announced just before it. */
  const ownEmoticonsIn = async (text: string): Promise<EmoticonDeclaration[]> => {
    const email = session.profile?.email;
    return email === undefined ? [] : media.declarations(email, text);
  };

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
    'session:sign-out-elsewhere': () => session.signOutElsewhere(),
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
      session.wantPicture(email);
      showConversation(conversationId);
      return { conversationId };
    },
    'conversation:snapshot': ({ conversationId }) => conversations.snapshot(conversationId),
    'conversation:send': async ({ conversationId, text, format }) => ({
      messageIds: conversations.send(conversationId, text, format, await ownEmoticonsIn(text)),
    }),
    'conversation:resend': async ({ conversationId, messageId }) => {
      const { text } = conversations.failedMessage(conversationId, messageId);
      return { messageIds: conversations.resend(conversationId, messageId, await ownEmoticonsIn(text)) };
    },
    'conversation:typing': ({ conversationId }) => conversations.typing(conversationId),
    'conversation:nudge': ({ conversationId }) => conversations.nudge(conversationId),
    'conversation:invite': ({ conversationId, email }) => conversations.invite(conversationId, email),
    'conversation:close': ({ conversationId }) => conversations.close(conversationId),
    'profile:set-display-picture': ({ image }) =>
      session.setDisplayPicture(image === null ? undefined : Buffer.from(image, 'base64')),
    'emoticons:list': () => ({ emoticons: [...media.emoticons()] }),
    'emoticons:add': ({ image, shortcut, name }) => media.addEmoticon(Buffer.from(image, 'base64'), shortcut, name),
    'emoticons:remove': ({ shortcut }) => media.removeEmoticon(shortcut),
    'transfer:choose-files': async ({ conversationId }, { senderId }) => ({
      transferIds: await transfers.chooseAndSend(conversationId, senderId),
    }),
    'transfer:send-paths': async ({ conversationId, paths }) => ({
      transferIds: await transfers.send(conversationId, paths),
    }),
    'transfer:choose-folder': async (_input, { senderId }) => {
      const folder = (await deps.files.chooseFolder(senderId)) ?? null;
      return { folder };
    },
    'transfer:accept': ({ transferId }) => transfers.accept(transferId),
    'transfer:decline': ({ transferId }) => transfers.decline(transferId),
    'transfer:cancel': ({ transferId }) => transfers.cancel(transferId),
    'transfer:open': ({ transferId }) => transfers.open(transferId),
    'transfer:show-in-folder': ({ transferId }) => transfers.showInFolder(transferId),
    'settings:get': () => settings.preferences(),
    'settings:set': (preferences) => {
      settings.setPreferences(preferences);
      emit('settings:changed', settings.preferences());
    },
    'history:open': ({ contact }) => {
      if (!windows.openHistory) throw new CommandError('The message history cannot be shown here');
      windows.openHistory(contact);
    },
    'history:contacts': () => history.contacts(),
    'history:conversations': ({ contact, before }) => history.conversations(contact, before),
    'history:page': ({ contact, ...request }) => history.page(contact, request),
    'history:search': (query) => history.search(query),
    'history:recent': ({ conversationId }) => {
      const contact = conversations.contactOf(conversationId);
      return { records: contact ? history.recent(conversationId, contact.email) : [] };
    },
    'history:contact': ({ contact }) => ({ keep: history.keeps(contact) }),
    'history:set-keep': ({ contact, keep }) => historyCommand(() => history.setKeep(contact, keep)),
    'history:delete': ({ contact }) => historyCommand(() => history.delete(contact)),
    'history:import': async (_input, { senderId }) => {
      if (!history.signedInAs) throw new CommandError('Sign in first: the history is imported into your account');
      if (!windows.chooseFolder) throw new CommandError('Choosing a folder is not possible here');
      const folder = await windows.chooseFolder(senderId, 'Import Message History');
      if (folder === undefined) return null;
      const known = [...contacts.snapshot().contacts.map((c) => c.email), ...history.contacts().map((c) => c.email)];
      return historyCommand(() =>
        history.importFolder(folder, known, (progress) => emit('history:import-progress', progress)),
      );
    },
    'history:export': async ({ contact, format }, { senderId }) => {
      if (!windows.chooseSaveFile) throw new CommandError('Saving a file is not possible here');
      const name = `${contact.split('@')[0] ?? 'history'}${format === 'xml' ? '.xml' : '.txt'}`;
      const path = await windows.chooseSaveFile(senderId, 'Export Message History', name);
      if (path === undefined) return null;
      return historyCommand(() => history.export(contact, format, path));
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

  /** History errors (a full disk, a database from a newer version) reach the user as they are. */
  async function historyCommand<T>(work: () => T | Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw err instanceof CommandError ? err : new CommandError(err instanceof Error ? err.message : String(err));
    }
  }

  return {
    dispatch,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start: () => session.signInAutomatically(),
    servePicture: (method, url) => servePicture(objects, method, url),
    shutdown: async () => {
      for (const stop of inspectors.values()) stop();
      inspectors.clear();
      clearTimeout(inspectorTimer);
      await session.shutdown();
      contacts.clear();
      history.signedOut();
    },
  };
}
