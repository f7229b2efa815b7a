// The session as this window sees it: phase, own profile, contact list, pending "added you"
// requests and preferences. Filled from `session:snapshot` and kept current by events; contact
// updates are coalesced so a presence burst re-renders the list once per frame.
import { create } from 'zustand';
import type {
  Group,
  OwnEmoticon,
  Preferences,
  Privacy,
  Profile,
  SessionPhase,
  SignOutReason,
} from '../../../shared/schemas';
import type { Place } from '../../../shared/ipc';
import { call } from '../lib/api';
import { createBatcher, type Scheduler } from '../lib/batch';
import { applyContactChanges, toContactMap, type ContactChange, type ContactMap } from '../lib/contactsState';

export interface Notice {
  id: number;
  text: string;
}

export interface SessionState {
  phase: SessionPhase;
  /** What the sign-in is doing about a difficulty (e.g. trying the HTTP gateway), shown under the step. */
  phaseDetail: string | null;
  profile: Profile | null;
  /** Messages to offline contacts are kept for them (MSNP13+). */
  offlineMessages: boolean;
  contacts: ContactMap;
  groups: Group[];
  privacy: Privacy | null;
  /** The other places where the account is signed in (MSNP16+). */
  places: Place[];
  /** Why the last session ended, when it was not the user's choice. */
  signOut: { reason: SignOutReason; message: string } | null;
  /** Who was signed in last, so the sign-in screen that comes back still names them. */
  lastEmail: string;
  addedYou: { email: string; displayName: string }[];
  notices: Notice[];
  settings: Preferences | null;
  /** The user's own custom emoticons. */
  ownEmoticons: OwnEmoticon[];
}

const initial: SessionState = {
  phase: 'signed-out',
  phaseDetail: null,
  profile: null,
  offlineMessages: false,
  contacts: {},
  groups: [],
  privacy: null,
  places: [],
  signOut: null,
  lastEmail: '',
  addedYou: [],
  notices: [],
  settings: null,
  ownEmoticons: [],
};

export const useSession = create<SessionState>()(() => initial);

let noticeId = 0;

export function pushNotice(text: string): void {
  noticeId += 1;
  const notice = { id: noticeId, text };
  useSession.setState((s) => ({ notices: [...s.notices, notice] }));
}

export function dismissNotice(id: number): void {
  useSession.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

export function dismissAddedYou(email: string): void {
  useSession.setState((s) => ({ addedYou: s.addedYou.filter((a) => a.email !== email) }));
}

export function clearSignOut(): void {
  useSession.setState({ signOut: null });
}

const frame: Scheduler = (flush) => requestAnimationFrame(flush);

/** Subscribes this window to the session's events, then loads the current state. */
export function connectSession(schedule: Scheduler = frame): () => void {
  const set = useSession.setState;
  // Changes queued before a full list arrived are older than it and must not be replayed on top.
  let epoch = 0;
  const queueContacts = createBatcher<{ epoch: number; change: ContactChange }>((queued) => {
    const changes = queued.filter((q) => q.epoch === epoch).map((q) => q.change);
    set((s) => ({ contacts: applyContactChanges(s.contacts, changes) }));
  }, schedule);
  const { msn } = window;
  const unsubscribe = [
    msn.on('session:phase', ({ phase, detail }) => {
      if (phase !== 'signed-out') {
        // A detail belongs to the step it was given with; the next step starts clean.
        set((s) => ({
          phase,
          signOut: null,
          phaseDetail: detail ?? (s.phase === phase ? s.phaseDetail : null),
        }));
        return;
      }
      // The phase can change before `session:signed-out` arrives: remember who it was already.
      const { profile, lastEmail } = useSession.getState();
      set({ phase, phaseDetail: null, lastEmail: profile?.email ?? lastEmail });
    }),
    msn.on('session:signed-in', ({ profile, offlineMessages = false }) =>
      set({ phase: 'online', profile, offlineMessages, signOut: null }),
    ),
    msn.on('session:signed-out', (signOut) => {
      const { settings, profile, lastEmail } = useSession.getState();
      set({
        ...initial,
        settings,
        lastEmail: profile?.email ?? lastEmail,
        signOut: signOut.reason === 'user' ? null : signOut,
      });
    }),
    msn.on('session:error', ({ message }) => pushNotice(message)),
    msn.on('profile:changed', (profile) => set({ profile })),
    msn.on('privacy:changed', (privacy) => set({ privacy })),
    msn.on('session:places', ({ places }) => set({ places })),
    msn.on('contacts:loaded', ({ contacts, groups }) => {
      epoch += 1;
      set({ contacts: toContactMap(contacts), groups });
    }),
    msn.on('contacts:changed', (change) => queueContacts({ epoch, change })),
    msn.on('contacts:added-you', (request) =>
      set((s) => ({ addedYou: [...s.addedYou.filter((a) => a.email !== request.email), request] })),
    ),
    msn.on('groups:changed', ({ groups }) => set({ groups })),
    msn.on('settings:changed', (settings) => set({ settings })),
    msn.on('emoticons:changed', ({ emoticons }) => set({ ownEmoticons: emoticons })),
  ];
  call('emoticons:list', {}).then(
    ({ emoticons }) => set({ ownEmoticons: emoticons }),
    (error: unknown) => pushNotice(error instanceof Error ? error.message : String(error)),
  );
  void Promise.all([call('session:snapshot', {}), call('settings:get', {})]).then(
    ([snapshot, settings]) => {
      epoch += 1;
      set({
        phase: snapshot.phase,
        profile: snapshot.profile ?? null,
        offlineMessages: snapshot.offlineMessages ?? false,
        contacts: toContactMap(snapshot.contacts),
        groups: snapshot.groups,
        privacy: snapshot.privacy ?? null,
        places: snapshot.places ?? [],
        settings,
      });
    },
    (error: unknown) => pushNotice(error instanceof Error ? error.message : String(error)),
  );
  return () => {
    for (const off of unsubscribe) off();
  };
}
