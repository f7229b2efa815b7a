// The user's own MSN objects and contacts' pictures, between the object cache and the P2P layer:
// the display picture each account advertises, the custom emoticons the user made, which of them
// anyone may download (only these: never a contact's picture from our cache), and each contact's
// picture fetched once per object and shown only after its bytes match its SHA1D.
import { CommandError } from '../../shared/ipc';
import type { Contact, OwnEmoticon } from '../../shared/schemas';
import type { EmoticonDeclaration } from '../msnp/p2p/emoticons';
import type { ObjectProvider } from '../msnp/p2p/manager';
import { buildMsnObject, MsnObjectType, parseMsnObject, type MsnObject } from '../msnp/p2p/msnobj';
import { hexToSha1d, sha1dToHex, type ObjectStore } from './pictures/store';
import type { SettingsStore } from './settings';

export interface OwnObject {
  readonly data: Buffer;
  readonly object: MsnObject;
}

/** What fetches a contact's object: the session's P2P layer. */
export type ObjectFetcher = (object: MsnObject) => Promise<Buffer>;

export interface MediaDeps {
  readonly store: ObjectStore;
  readonly settings: SettingsStore;
  readonly emoticonsChanged: (emoticons: readonly OwnEmoticon[]) => void;
  /** A contact's picture is in the cache: show it. */
  readonly pictureReady: (email: string, pictureId: string) => void;
  readonly pictureFailed?: (email: string, reason: string) => void;
}

export class MediaService {
  /** SHA1Ds verified in the cache during this run, so contacts can show them without a disk read. */
  private readonly present = new Set<string>();
  /** The object each contact is being given, so a repeated NLN does not start it again. */
  private readonly wanted = new Map<string, string>();

  constructor(private readonly deps: MediaDeps) {}

  /** The account's display picture as advertised in CHG and served over P2P. */
  async ownPicture(email: string): Promise<OwnObject | undefined> {
    const id = this.deps.settings.ownPicture(email);
    const sha1d = id === undefined ? undefined : hexToSha1d(id);
    const stored = sha1d === undefined ? undefined : await this.deps.store.get(sha1d);
    if (!stored) return undefined;
    return {
      data: stored.bytes,
      object: buildMsnObject({ creator: email.toLowerCase(), data: stored.bytes, type: MsnObjectType.PICTURE }),
    };
  }

  /** Keeps a new picture for the account (or none); returns what to advertise. */
  async setOwnPicture(email: string, image: Buffer | undefined): Promise<OwnObject | undefined> {
    if (image === undefined) {
      this.deps.settings.setOwnPicture(email, undefined);
      return undefined;
    }
    const stored = await this.deps.store.put(image).catch((err: unknown) => {
      throw new CommandError(`That picture cannot be used: ${err instanceof Error ? err.message : String(err)}`);
    });
    this.present.add(stored.sha1d);
    this.deps.settings.setOwnPicture(email, sha1dToHex(stored.sha1d));
    return {
      data: stored.bytes,
      object: buildMsnObject({ creator: email.toLowerCase(), data: stored.bytes, type: MsnObjectType.PICTURE }),
    };
  }

  emoticons(): readonly OwnEmoticon[] {
    return this.deps.settings.emoticons();
  }

  async addEmoticon(image: Buffer, shortcut: string, name: string): Promise<void> {
    const stored = await this.deps.store.put(image).catch((err: unknown) => {
      throw new CommandError(`That picture cannot be an emoticon: ${err instanceof Error ? err.message : String(err)}`);
    });
    this.present.add(stored.sha1d);
    const others = this.emoticons().filter((e) => e.shortcut !== shortcut);
    const list = [...others, { shortcut, name, pictureId: sha1dToHex(stored.sha1d) }];
    this.deps.settings.setEmoticons(list);
    this.deps.emoticonsChanged(list);
  }

  removeEmoticon(shortcut: string): void {
    const list = this.emoticons().filter((e) => e.shortcut !== shortcut);
    if (list.length === this.emoticons().length) throw new CommandError(`There is no emoticon ${shortcut}`);
    this.deps.settings.setEmoticons(list);
    this.deps.emoticonsChanged(list);
  }

  /** The custom emoticons a text of ours uses, announced before it so the other side can fetch them. */
  async declarations(email: string, text: string): Promise<EmoticonDeclaration[]> {
    const used = this.emoticons().filter((e) => text.includes(e.shortcut));
    const declared: EmoticonDeclaration[] = [];
    for (const emoticon of used) {
      const sha1d = hexToSha1d(emoticon.pictureId);
      const stored = sha1d === undefined ? undefined : await this.deps.store.get(sha1d);
      // A picture gone from the cache: the shortcut goes as plain text.
      if (!stored) continue;
      const object = buildMsnObject({
        creator: email.toLowerCase(),
        data: stored.bytes,
        type: MsnObjectType.EMOTICON,
        name: emoticon.name,
      });
      declared.push({ shortcut: emoticon.shortcut, msnObject: object.xml });
    }
    return declared;
  }

  /** What this account serves: its own picture and emoticons, nothing else in the cache. */
  provider(email: string): ObjectProvider {
    return {
      get: async (sha1d) => {
        const own = await this.ownPicture(email);
        if (own?.object.sha1d === sha1d) return own.data;
        if (!this.emoticons().some((e) => hexToSha1d(e.pictureId) === sha1d)) return undefined;
        return (await this.deps.store.get(sha1d))?.bytes;
      },
    };
  }

  /** The contact's picture id when it is already in the cache (checked this run). */
  knownPicture(contact: Contact): string | undefined {
    const sha1d = contact.msnObject === undefined ? undefined : parseMsnObject(contact.msnObject)?.sha1d;
    return sha1d !== undefined && this.present.has(sha1d) ? sha1dToHex(sha1d) : undefined;
  }

  /** Makes sure the contact's current picture ends up in the cache, fetching it if need be. */
  want(contact: Contact, fetch: ObjectFetcher): void {
    const object = contact.msnObject === undefined ? undefined : parseMsnObject(contact.msnObject);
    if (!object || object.type !== MsnObjectType.PICTURE || this.wanted.get(contact.email) === object.sha1d) return;
    this.wanted.set(contact.email, object.sha1d);
    void this.obtain(contact.email, object, fetch);
  }

  /** Keeps an object a contact sent (a declared emoticon); its id once verified. */
  async keep(data: Buffer, sha1d: string): Promise<string> {
    const stored = await this.deps.store.put(data, sha1d);
    this.present.add(stored.sha1d);
    return sha1dToHex(stored.sha1d);
  }

  /** Signed out: contacts' pictures are asked for again in the next session. */
  reset(): void {
    this.wanted.clear();
  }

  private async obtain(email: string, object: MsnObject, fetch: ObjectFetcher): Promise<void> {
    try {
      let stored = await this.deps.store.get(object.sha1d);
      // The owner is the contact whose msnobj this is, whatever its Creator says.
      if (!stored) stored = await this.deps.store.put(await fetch({ ...object, creator: email }), object.sha1d);
      this.present.add(stored.sha1d);
      if (this.wanted.get(email) === object.sha1d) this.deps.pictureReady(email, sha1dToHex(stored.sha1d));
    } catch (err) {
      // The engine has retried already; this object is asked for again only in a new session.
      this.deps.pictureFailed?.(email, err instanceof Error ? err.message : String(err));
    }
  }
}
