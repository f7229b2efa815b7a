// Domain schemas shared by main, preload and renderer. Every type that crosses the IPC boundary
// is declared here once, as a zod schema, and its TypeScript type is inferred from it.
import { z } from 'zod';
import { microsoftHostProblem } from './soap-endpoints';

/** A Passport-style account name: something@domain, no spaces. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(129)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Type an e-mail address such as name@example.com');
export type Email = z.infer<typeof Email>;

/** Statuses a user can choose (CHG); FLN is only ever reported for others. */
export const SettableStatus = z.enum(['NLN', 'BSY', 'IDL', 'BRB', 'AWY', 'PHN', 'LUN', 'HDN']);
export type SettableStatus = z.infer<typeof SettableStatus>;
export const Status = z.enum(['NLN', 'BSY', 'IDL', 'BRB', 'AWY', 'PHN', 'LUN', 'HDN', 'FLN']);
export type Status = z.infer<typeof Status>;

/** A `{GUID}` as places are told apart by (MSNP16+ machine GUIDs), in either case. */
export const BRACED_GUID = /^\{[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}\}$/i;
/** The longest place name kept from the server (longer ones are cut), and the longest sent. */
export const MAX_PLACE_NAME = 128;

export const ListName = z.enum(['FL', 'AL', 'BL', 'RL', 'PL']);
export type ListName = z.infer<typeof ListName>;

export const DisplayName = z.string().min(1).max(129);
export const PersonalMessage = z.string().max(129);
export const GroupName = z.string().trim().min(1).max(61);

export const Group = z.object({
  /** Group number (MSNP7–9) or GUID (MSNP10+), as a string either way. */
  id: z.string().min(1).max(64),
  name: z.string().max(256),
});
export type Group = z.infer<typeof Group>;

/** A display picture or emoticon: the hex SHA-1 of its bytes. */
export const PictureId = z.string().regex(/^[0-9a-f]{40}$/);

export const Contact = z.object({
  email: z.string().max(256),
  displayName: z.string().max(1024),
  lists: z.array(ListName),
  groupIds: z.array(z.string().max(64)),
  /** Contact GUID (MSNP10+). */
  guid: z.string().max(64).optional(),
  status: Status,
  personalMessage: z.string().max(4096),
  clientId: z.number().int().nonnegative().optional(),
  /** Decoded MSN object XML, when the contact advertises one. */
  msnObject: z.string().max(4096).optional(),
  /** Their display picture, once it is in the verified cache (see `pictures.ts`). */
  pictureId: PictureId.optional(),
  phones: z.record(z.string(), z.string().max(256)),
});
export type Contact = z.infer<typeof Contact>;

export const Privacy = z.object({
  /** AL: everyone not blocked may contact me; BL: only people on my allow list. */
  blp: z.enum(['AL', 'BL']),
  /** A: ask when someone adds me; N: allow them silently. */
  gtc: z.enum(['A', 'N']),
});
export type Privacy = z.infer<typeof Privacy>;

export const Profile = z.object({
  email: z.string(),
  displayName: z.string().max(1024),
  status: Status,
  personalMessage: z.string().max(4096),
  pictureId: PictureId.optional(),
});
export type Profile = z.infer<typeof Profile>;

/**
 * How to reach the network: directly (`none`), through the operating system's proxy setting
 * (`system`), or through a given SOCKS5, SOCKS4a or HTTP CONNECT proxy. Its password, if any,
 * is in the keychain, never here.
 */
export const ProxySetting = z.union([
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('system') }),
  z.object({
    type: z.enum(['socks5', 'socks4a', 'http']),
    host: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    username: z.string().max(255).optional(),
  }),
]);
export type ProxySetting = z.infer<typeof ProxySetting>;

/** A SOAP service address (or their base): http(s), and never a Microsoft host. */
const SoapUrl = z
  .url({ protocol: /^https?$/, error: 'Type a full address, such as https://messenger.example.com' })
  .max(2048)
  .superRefine((url, ctx) => {
    const problem = microsoftHostProblem(url);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

export const ServerConfig = z.object({
  host: z.string().trim().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  /** Passport nexus URL; defaults to https://<host>/rdr/pprdr.asp. */
  nexus: z.url().max(2048).optional(),
  /** PEM file with an extra CA to trust for this server's HTTPS. */
  caFile: z.string().max(4096).optional(),
  /** Allows sending the password over plain HTTP (never by default). */
  allowInsecurePassport: z.boolean().optional(),
  /**
   * SOAP services (MSNP13+). Each defaults to its path under `base`, which defaults to the nexus
   * URL's origin when one is set, else https://<host>.
   */
  soap: z
    .object({
      base: SoapUrl.optional(),
      rst: SoapUrl.optional(),
      addressBook: SoapUrl.optional(),
      sharing: SoapUrl.optional(),
      storage: SoapUrl.optional(),
      oim: SoapUrl.optional(),
      rsi: SoapUrl.optional(),
    })
    .optional(),
  /** This server's proxy; without it the global one (Options) applies. */
  proxy: ProxySetting.optional(),
  /** The HTTP gateway; defaults to /gateway/gateway.dll on the Passport host. */
  gateway: z.url().max(2048).optional(),
  /** Always use the HTTP gateway, not only as the fallback. */
  useGateway: z.boolean().optional(),
});
export type ServerConfig = z.infer<typeof ServerConfig>;

/** How far sign-in has got, for the progress display. */
export const SessionPhase = z.enum(['signed-out', 'connecting', 'authenticating', 'syncing', 'online', 'reconnecting']);
export type SessionPhase = z.infer<typeof SessionPhase>;

/** Why a session ended; the renderer words these for people. */
export const SignOutReason = z.enum([
  'user',
  'wrong-credentials',
  'signed-in-elsewhere',
  'server-shutdown',
  'unreachable',
  /** The proxy failed (down, refused the password or the tunnel), not the server. */
  'proxy-error',
  'connection-lost',
  'protocol-error',
  'server-error',
]);
export type SignOutReason = z.infer<typeof SignOutReason>;

export const Effects = z.object({
  bold: z.boolean(),
  italic: z.boolean(),
  underline: z.boolean(),
  strikethrough: z.boolean(),
});
export type Effects = z.infer<typeof Effects>;

/** Text style carried in X-MMS-IM-Format. */
export const TextFormat = z.object({
  font: z.string().max(64),
  effects: Effects,
  /** CSS colour `#rrggbb` (the wire carries BGR hex). */
  color: z.string().regex(/^#[0-9a-f]{6}$/),
  /** Windows charset and pitch/family, hex as on the wire; kept so round trips are lossless. */
  charset: z.string().max(4),
  pitchFamily: z.string().max(4),
  rightToLeft: z.boolean(),
});
export type TextFormat = z.infer<typeof TextFormat>;

/** The style of a message that carries none, and the starting style of our own. */
export const DEFAULT_FORMAT: TextFormat = {
  font: 'Segoe UI',
  effects: { bold: false, italic: false, underline: false, strikethrough: false },
  color: '#000000',
  charset: '0',
  pitchFamily: '22',
  rightToLeft: false,
};

export const ConversationId = z.string().min(1).max(64);

export const Participant = z.object({
  email: z.string().max(256),
  displayName: z.string().max(1024),
});
export type Participant = z.infer<typeof Participant>;

/** One of the user's own emoticons: typed as `shortcut`, shown as the picture. */
export const EmoticonShortcut = z
  .string()
  .min(1)
  .max(7)
  .refine((s) => !/\s/.test(s), 'A shortcut cannot contain spaces');
export const OwnEmoticon = z.object({
  shortcut: EmoticonShortcut,
  name: z.string().max(64),
  pictureId: PictureId,
});
export type OwnEmoticon = z.infer<typeof OwnEmoticon>;

/** Shortcut → picture of the custom emoticons a message declared; null until the picture arrives. */
export const DeclaredEmoticons = z.record(z.string().max(7), PictureId.nullable());

export const TransferState = z.enum(['offered', 'waiting', 'active', 'done', 'declined', 'cancelled', 'failed']);
export type TransferState = z.infer<typeof TransferState>;

/** One file transfer as the conversation window shows it. */
export const Transfer = z.object({
  id: z.string().min(1).max(64),
  direction: z.enum(['send', 'receive']),
  peer: Participant,
  /** The name the sender gave (received files are saved under a safe version of it). */
  name: z.string().max(1024),
  size: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** Bytes a second over the last few seconds, while active. */
  speed: z.number().nonnegative(),
  state: TransferState,
  /** Who declined or cancelled it. */
  endedBy: z.enum(['you', 'them']).optional(),
  /** Why it failed or ended, worded for people. */
  reason: z.string().max(1024).optional(),
  /** The sender's preview of a picture, in the verified cache. */
  previewId: PictureId.optional(),
  /** The name the received file was saved under, once done. */
  savedAs: z.string().max(1024).optional(),
});
export type Transfer = z.infer<typeof Transfer>;

/**
 * Where an outgoing message is: `queued` waits in the outbox for the connection to come back;
 * `offline` was stored by the server as an offline message, to be delivered when they sign in.
 */
export const DeliveryState = z.enum(['sending', 'delivered', 'failed', 'queued', 'offline']);
export type DeliveryState = z.infer<typeof DeliveryState>;

/** How many earlier messages a newly opened conversation window shows, greyed. */
export const RecentCount = z.union([z.literal(0), z.literal(5), z.literal(20)]);

export const HistoryPreferences = z.object({
  /** "Keep a history of my conversations". Off unless the user turns it on, as in MSN Messenger. */
  keep: z.boolean(),
  showRecent: RecentCount,
});
export type HistoryPreferences = z.infer<typeof HistoryPreferences>;

export const Preferences = z.object({
  sounds: z.object({ signIn: z.boolean(), message: z.boolean(), nudge: z.boolean() }),
  notifications: z.object({ contactSignIn: z.boolean(), message: z.boolean() }),
  /** 0 turns auto-away off. */
  autoAwayMinutes: z.number().int().min(0).max(240),
  startMinimized: z.boolean(),
  /** Contacts' pictures in the contact list (they always show in conversations). */
  pictures: z.object({ showInContactList: z.boolean() }),
  /** Where received files are saved; the OS Downloads folder when absent. */
  transfers: z.object({ folder: z.string().min(1).max(4096).optional() }),
  history: HistoryPreferences,
  /** Absent: no proxy, and the HTTP gateway as the fallback. */
  network: z
    .object({
      proxy: ProxySetting,
      /** Retry through the HTTP gateway after a direct connection fails. */
      gatewayFallback: z.boolean(),
    })
    .optional(),
});
export type Preferences = z.infer<typeof Preferences>;

export const SavedAccount = z.object({
  email: Email,
  server: ServerConfig,
  rememberMe: z.boolean(),
  signInAutomatically: z.boolean(),
  status: SettableStatus,
  /** Whether the keychain holds a password for this account (the password never leaves main). */
  hasSavedPassword: z.boolean(),
});
export type SavedAccount = z.infer<typeof SavedAccount>;

export const ServerPreset = z.object({
  id: z.string(),
  label: z.string(),
  server: ServerConfig,
});
export type ServerPreset = z.infer<typeof ServerPreset>;
