// The one IPC contract between the renderer and the main process. Main, preload and renderer all
// derive their types from this file; main validates every command payload against it and every
// event before sending. It knows nothing about Electron: a transport (ipcMain, a WebSocket)
// carries `(channel, payload)` pairs to `createDispatcher` and events out of `createEmitter`.
import { z } from 'zod';
import {
  BRACED_GUID,
  ConversationId,
  Contact,
  DeliveryState,
  DisplayName,
  Email,
  Group,
  MAX_PLACE_NAME,
  GroupName,
  Participant,
  PersonalMessage,
  Preferences,
  Privacy,
  Profile,
  SavedAccount,
  ServerConfig,
  ServerPreset,
  SessionPhase,
  SettableStatus,
  SignOutReason,
  Status,
  TextFormat,
  Transfer,
  DeclaredEmoticons,
  EmoticonShortcut,
  OwnEmoticon,
  PictureId,
} from './schemas';
import {
  HistoryContact,
  HistoryConversation,
  HistoryId,
  HistoryRecord,
  ImportProgress,
  ImportReport,
  LogPage,
  SearchPage,
  SearchQuery,
} from './history';

const Empty = z.object({}).strict();
const TransferRef = z.object({ transferId: z.string().min(1).max(64) }).strict();
const Void = z.void();

/** One line of the protocol inspector; the engine masked its secrets before it got here. */
export const TraceEntry = z.object({
  seq: z.number().int(),
  at: z.number(),
  connection: z.string().max(64),
  direction: z.enum(['out', 'in', 'info']),
  line: z.string().max(20_000),
  payload: z.string().max(100_000).optional(),
  payloadEncoding: z.enum(['text', 'hex']).optional(),
  p2p: z.string().max(1000).optional(),
});
export type TraceEntry = z.infer<typeof TraceEntry>;

/** A proxy that takes a user name, whose password goes to the keychain. */
const ProxyWithUser = z
  .object({
    type: z.enum(['socks5', 'socks4a', 'http']),
    host: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    username: z.string().min(1).max(255),
  })
  .strict();

/** Another place where the account is signed in (MSNP16+); its name is another client's text. */
export const Place = z.object({
  id: z.string().regex(BRACED_GUID),
  name: z.string().max(MAX_PLACE_NAME),
  state: Status,
});
export type Place = z.infer<typeof Place>;
const Places = z.array(Place).max(1000);

const SessionSnapshot = z.object({
  phase: SessionPhase,
  /** The account's other places (MSNP16+); absent before the server listed any. */
  places: Places.optional(),
  protocol: z.string().optional(),
  profile: Profile.optional(),
  contacts: z.array(Contact),
  groups: z.array(Group),
  privacy: Privacy.optional(),
  /** The dialect keeps messages for offline contacts (MSNP13+). */
  offlineMessages: z.boolean().optional(),
});
export type SessionSnapshot = z.infer<typeof SessionSnapshot>;

const ConversationEntry = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    /** Outgoing entries carry the message id their delivery events refer to. */
    id: z.string(),
    from: Participant,
    outgoing: z.boolean(),
    text: z.string(),
    format: TextFormat.optional(),
    at: z.number(),
    delivery: DeliveryState.optional(),
    failureReason: z.string().optional(),
    /** Failed without a refusal: it went out unconfirmed, so it may have arrived. */
    uncertain: z.boolean().optional(),
    emoticons: DeclaredEmoticons.optional(),
    /** Received as an offline message; `at` is when it was sent. */
    offline: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('nudge'), from: Participant, outgoing: z.boolean(), at: z.number() }),
  z.object({ kind: z.literal('system'), text: z.string(), at: z.number() }),
  z.object({ kind: z.literal('transfer'), transfer: Transfer, at: z.number() }),
]);
export type ConversationEntry = z.infer<typeof ConversationEntry>;

/** Everything a newly opened conversation window needs, so no event before it opened is lost. */
const ConversationSnapshot = z.object({
  conversationId: ConversationId,
  participants: z.array(Participant),
  entries: z.array(ConversationEntry),
});
export type ConversationSnapshot = z.infer<typeof ConversationSnapshot>;

/** Commands: renderer → main, request/response. */
export const commands = {
  'account:list': {
    input: Empty,
    output: z.object({ accounts: z.array(SavedAccount), presets: z.array(ServerPreset) }),
  },
  'account:sign-in': {
    input: z
      .object({
        email: Email,
        /** Omitted to use the password saved in the keychain. */
        password: z.string().min(1).max(256).optional(),
        status: SettableStatus,
        server: ServerConfig,
        rememberMe: z.boolean(),
        rememberPassword: z.boolean(),
        signInAutomatically: z.boolean(),
      })
      .strict(),
    output: Void,
  },
  'account:sign-out': { input: Empty, output: Void },
  'account:forget': { input: z.object({ email: Email }).strict(), output: Void },
  'session:snapshot': { input: Empty, output: SessionSnapshot },
  /** Signs the account out at its other places (MSNP16+); `places`: how many were asked to leave. */
  'session:sign-out-elsewhere': { input: Empty, output: z.object({ places: z.number().int().nonnegative() }) },
  'presence:set-status': { input: z.object({ status: SettableStatus }).strict(), output: Void },
  'profile:set-display-name': { input: z.object({ displayName: DisplayName }).strict(), output: Void },
  'profile:set-personal-message': { input: z.object({ text: PersonalMessage }).strict(), output: Void },
  /** A 96×96 PNG made by the renderer (base64), or null for no picture. */
  'profile:set-display-picture': {
    input: z.object({ image: z.base64().max(1_400_000).nullable() }).strict(),
    output: Void,
  },
  'contacts:add': {
    input: z.object({ email: Email, groupId: z.string().max(64).optional() }).strict(),
    output: Void,
  },
  'contacts:remove': { input: z.object({ email: Email }).strict(), output: Void },
  'contacts:block': { input: z.object({ email: Email }).strict(), output: Void },
  'contacts:unblock': { input: z.object({ email: Email }).strict(), output: Void },
  /** Answer to "X has added you to their contact list". */
  'contacts:respond-added': {
    input: z.object({ email: Email, allow: z.boolean(), addToContacts: z.boolean() }).strict(),
    output: Void,
  },
  'contacts:move': {
    input: z
      .object({ email: Email, fromGroupId: z.string().max(64).optional(), toGroupId: z.string().max(64) })
      .strict(),
    output: Void,
  },
  'groups:create': { input: z.object({ name: GroupName }).strict(), output: z.object({ id: z.string() }) },
  'groups:rename': { input: z.object({ id: z.string().min(1).max(64), name: GroupName }).strict(), output: Void },
  'groups:delete': { input: z.object({ id: z.string().min(1).max(64) }).strict(), output: Void },
  'conversation:open': {
    input: z.object({ email: Email }).strict(),
    output: z.object({ conversationId: ConversationId }),
  },
  'conversation:snapshot': {
    input: z.object({ conversationId: ConversationId }).strict(),
    output: ConversationSnapshot,
  },
  'conversation:send': {
    input: z
      .object({ conversationId: ConversationId, text: z.string().min(1).max(16384), format: TextFormat })
      .strict(),
    output: z.object({ messageIds: z.array(z.string()) }),
  },
  /** "Send again": a new attempt of a message that failed, as a new message. */
  'conversation:resend': {
    input: z.object({ conversationId: ConversationId, messageId: z.string().min(1).max(64) }).strict(),
    output: z.object({ messageIds: z.array(z.string()) }),
  },
  'conversation:typing': { input: z.object({ conversationId: ConversationId }).strict(), output: Void },
  'conversation:nudge': { input: z.object({ conversationId: ConversationId }).strict(), output: Void },
  'conversation:invite': { input: z.object({ conversationId: ConversationId, email: Email }).strict(), output: Void },
  'conversation:close': { input: z.object({ conversationId: ConversationId }).strict(), output: Void },
  /** Asks main to show the file chooser, then offers every file picked. */
  'transfer:choose-files': {
    input: z.object({ conversationId: ConversationId }).strict(),
    output: z.object({ transferIds: z.array(z.string()) }),
  },
  /** Offers files dropped on the window (paths from the preload's `pathOf`). */
  'transfer:send-paths': {
    input: z
      .object({ conversationId: ConversationId, paths: z.array(z.string().min(1).max(4096)).min(1).max(20) })
      .strict(),
    output: z.object({ transferIds: z.array(z.string()) }),
  },
  /** The folder chooser for received files; null when the user cancels. */
  'transfer:choose-folder': { input: Empty, output: z.object({ folder: z.string().nullable() }) },
  'transfer:accept': { input: TransferRef, output: Void },
  'transfer:decline': { input: TransferRef, output: Void },
  'transfer:cancel': { input: TransferRef, output: Void },
  'transfer:open': { input: TransferRef, output: Void },
  'transfer:show-in-folder': { input: TransferRef, output: Void },
  'settings:get': { input: Empty, output: Preferences },
  'emoticons:list': { input: Empty, output: z.object({ emoticons: z.array(OwnEmoticon) }) },
  /** An image (base64 PNG/GIF/JPEG/BMP of at most 1 MB) under a shortcut of 1–7 characters. */
  'emoticons:add': {
    input: z
      .object({ image: z.base64().max(1_400_000), shortcut: EmoticonShortcut, name: z.string().max(64) })
      .strict(),
    output: Void,
  },
  'emoticons:remove': { input: z.object({ shortcut: EmoticonShortcut }).strict(), output: Void },
  'settings:set': { input: Preferences, output: Void },
  // Message history (src/main/app/history). Contacts are the e-mails (or, for imported logs
  // nobody matched, the names) the history knows them by.
  /** Opens the Message History window, at one contact's log if given. */
  'history:open': { input: z.object({ contact: z.string().min(1).max(256).optional() }).strict(), output: Void },
  'history:contacts': { input: Empty, output: z.array(HistoryContact) },
  'history:conversations': {
    input: z.object({ contact: z.string().min(1).max(256), before: z.number().optional() }).strict(),
    output: z.array(HistoryConversation),
  },
  'history:page': {
    input: z
      .object({
        contact: z.string().min(1).max(256),
        before: HistoryId.optional(),
        after: z.number().int().min(-1).optional(),
        around: HistoryId.optional(),
        conversationId: HistoryId.optional(),
        limit: z.number().int().min(1).max(200).optional(),
      })
      .strict(),
    output: LogPage,
  },
  'history:search': { input: SearchQuery, output: SearchPage },
  /** The earlier messages a conversation window shows greyed when it opens. */
  'history:recent': {
    input: z.object({ conversationId: ConversationId }).strict(),
    output: z.object({ records: z.array(HistoryRecord) }),
  },
  'history:contact': {
    input: z.object({ contact: z.string().min(1).max(256) }).strict(),
    output: z.object({ keep: z.boolean() }),
  },
  /** "Do not keep history with this contact" (keep: false) and back. */
  'history:set-keep': {
    input: z.object({ contact: z.string().min(1).max(256), keep: z.boolean() }).strict(),
    output: Void,
  },
  /** One contact's history, or all of it when no contact is given. */
  'history:delete': { input: z.object({ contact: z.string().min(1).max(256).optional() }).strict(), output: Void },
  /** Asks for a folder and imports the MSN Messenger logs in it; null when the user cancelled. */
  'history:import': { input: Empty, output: ImportReport.nullable() },
  /** Asks where to save and writes one contact's history; null when the user cancelled. */
  'history:export': {
    input: z.object({ contact: z.string().min(1).max(256), format: z.enum(['xml', 'text']) }).strict(),
    output: z.object({ path: z.string(), records: z.number().int() }).nullable(),
  },
  /** Keeps a proxy's password in the keychain (never in the settings file). */
  'network:save-proxy-password': {
    input: z.object({ proxy: ProxyWithUser, password: z.string().min(1).max(256) }).strict(),
    output: z.object({ saved: z.boolean(), reason: z.string().optional() }),
  },
  'network:forget-proxy-password': { input: z.object({ proxy: ProxyWithUser }).strict(), output: Void },
  /** Tools → Protocol Inspector…: opens (or brings forward) its window. */
  'inspector:open': { input: Empty, output: Void },
  /** Starts sending this window `inspector:entries`; answers with what was recorded so far. */
  'inspector:watch': { input: Empty, output: z.object({ entries: z.array(TraceEntry) }) },
  'inspector:unwatch': { input: Empty, output: Void },
  'inspector:clear': { input: Empty, output: Void },
  /** Saves the recorded lines (already masked) to a file the user picks. */
  'inspector:save': { input: Empty, output: z.object({ saved: z.boolean() }) },
  /** Opens an http(s) link in the system browser. */
  'shell:open-external': { input: z.object({ url: z.url({ protocol: /^https?$/ }).max(4096) }).strict(), output: Void },
} as const;

/** Events: main → renderer, fire-and-forget. */
export const events = {
  /** `detail`: what the sign-in is doing about a difficulty, e.g. falling back to the HTTP gateway. */
  'session:phase': z.object({ phase: SessionPhase, detail: z.string().max(2000).optional() }),
  'session:signed-in': z.object({ protocol: z.string(), profile: Profile, offlineMessages: z.boolean().optional() }),
  'session:signed-out': z.object({ reason: SignOutReason, message: z.string() }),
  /** A failure worth telling the user about that did not end the session. */
  'session:error': z.object({ code: z.number().int().optional(), message: z.string() }),
  /** The account's other places changed (MSNP16+): the whole list, empty when there are none. */
  'session:places': z.object({ places: Places }),
  'profile:changed': Profile,
  'privacy:changed': Privacy,
  /** Whole contact list, after sign-in. */
  'contacts:loaded': z.object({ contacts: z.array(Contact), groups: z.array(Group) }),
  /** A batch of changed contacts (presence bursts arrive together) and removed e-mails. */
  'contacts:changed': z.object({ upserted: z.array(Contact), removed: z.array(z.string()) }),
  'contacts:added-you': z.object({ email: z.string(), displayName: z.string() }),
  'groups:changed': z.object({ groups: z.array(Group) }),
  'conversation:opened': z.object({ conversationId: ConversationId, participants: z.array(Participant) }),
  'conversation:joined': z.object({ conversationId: ConversationId, participant: Participant }),
  'conversation:left': z.object({ conversationId: ConversationId, email: z.string() }),
  'conversation:message': z.object({
    conversationId: ConversationId,
    /** The entry's id, which `conversation:emoticon` refers to. */
    id: z.string(),
    from: Participant,
    text: z.string(),
    format: TextFormat.optional(),
    at: z.number(),
    emoticons: DeclaredEmoticons.optional(),
    /** Received as an offline message; `at` is when it was sent. */
    offline: z.boolean().optional(),
  }),
  /** A custom emoticon a received message declared has arrived (verified) and can be shown. */
  'conversation:emoticon': z.object({
    conversationId: ConversationId,
    messageId: z.string(),
    shortcut: z.string().max(7),
    pictureId: PictureId,
  }),
  'emoticons:changed': z.object({ emoticons: z.array(OwnEmoticon) }),
  'conversation:typing': z.object({ conversationId: ConversationId, email: z.string() }),
  'conversation:nudge': z.object({ conversationId: ConversationId, from: Participant }),
  'conversation:delivery': z.object({
    conversationId: ConversationId,
    messageId: z.string(),
    state: DeliveryState,
    reason: z.string().optional(),
    /** A failure that may not be one: it went out and nothing confirmed it ("may not have been delivered"). */
    uncertain: z.boolean().optional(),
  }),
  /** Someone sent a content type this client cannot show. */
  'conversation:unsupported': z.object({ conversationId: ConversationId, from: Participant, contentType: z.string() }),
  'conversation:closed': z.object({ conversationId: ConversationId, reason: z.string() }),
  'transfer:changed': z.object({ conversationId: ConversationId, transfer: Transfer }),
  'settings:changed': Preferences,
  'history:import-progress': ImportProgress,
  /** New lines for the protocol inspector, gathered for a moment; sent only while one watches. */
  'inspector:entries': z.object({ entries: z.array(TraceEntry) }),
  /** Sent to the contact-list window only, which lives as long as the app: play this sound once. */
  'sound:play': z.object({ sound: z.enum(['sign-in', 'message', 'nudge']) }),
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandInput<C extends CommandName> = z.input<Commands[C]['input']>;
export type CommandOutput<C extends CommandName> = z.output<Commands[C]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from './channels';

export type IpcErrorCode = 'unknown-channel' | 'invalid-payload' | 'failed' | 'forbidden';

/** What every command resolves with; errors travel as data so any transport keeps them intact. */
export type IpcResult<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly error: { readonly code: IpcErrorCode; readonly message: string; readonly detail?: number };
    };

/** The API the preload exposes as `window.msn` (and the browser bridge reproduces exactly). */
export interface MsnApi {
  invoke<C extends CommandName>(channel: C, input: CommandInput<C>): Promise<IpcResult<CommandOutput<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Where a file dropped on a window lives on disk, for `transfer:send-paths`. Only the desktop
   * app's preload can tell (the renderer never sees paths otherwise); absent elsewhere.
   */
  pathOf?: (file: File) => string;
}

/** An error a handler throws on purpose, with a message fit for the user. */
export class CommandError extends Error {
  constructor(
    message: string,
    /** A protocol error code (e.g. 215) when the server gave one. */
    readonly detail?: number,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export type Handlers<Ctx> = {
  [C in CommandName]: (input: z.output<Commands[C]['input']>, ctx: Ctx) => Promise<CommandOutput<C>> | CommandOutput<C>;
};

/**
 * Builds the single entry point a transport calls. Unknown channels and payloads that fail their
 * schema are rejected before any handler runs.
 */
export function createDispatcher<Ctx>(
  handlers: Handlers<Ctx>,
): (channel: unknown, payload: unknown, ctx: Ctx) => Promise<IpcResult<unknown>> {
  return async (channel, payload, ctx) => {
    if (typeof channel !== 'string' || !Object.hasOwn(commands, channel)) {
      return {
        ok: false,
        error: { code: 'unknown-channel', message: `Unknown command ${String(channel).slice(0, 64)}` },
      };
    }
    const name = channel as CommandName;
    const parsed = commands[name].input.safeParse(payload);
    if (!parsed.success) {
      return { ok: false, error: { code: 'invalid-payload', message: z.prettifyError(parsed.error) } };
    }
    try {
      const handler = handlers[name] as (input: unknown, ctx: Ctx) => unknown;
      const value = commands[name].output.parse(await handler(parsed.data, ctx));
      return { ok: true, value };
    } catch (err) {
      if (err instanceof CommandError) {
        return {
          ok: false,
          error: { code: 'failed', message: err.message, ...(err.detail === undefined ? {} : { detail: err.detail }) },
        };
      }
      return { ok: false, error: { code: 'failed', message: err instanceof Error ? err.message : String(err) } };
    }
  };
}

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Wraps a transport's raw send so that only valid events of the contract go out. */
export function createEmitter(send: (event: EventName, payload: unknown) => void): Emit {
  return (event, payload) => {
    send(event, events[event].parse(payload));
  };
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
