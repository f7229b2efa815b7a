// Accounts, contact lists and groups, kept in memory and optionally persisted to a state directory.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const FL = 1;
export const AL = 2;
export const BL = 4;
export const RL = 8;
/** MSNP10+ only: on RL but neither on AL nor BL. Never stored, derived when listing. */
export const PL = 16;

export const LIST_BITS = { FL, AL, BL, RL } as const;
export type ListName = keyof typeof LIST_BITS;

/** Phone properties a user may set with PRP (MSNP5+). */
export const PHONE_KEYS = ['PHH', 'PHW', 'PHM', 'MOB', 'MBE'] as const;

const ADDRESS = /^[^\s@]+@[^\s@]+$/;

/** A passport name: exactly one `@` with something on both sides. */
export function isAddress(text: string): boolean {
  return ADDRESS.test(text);
}

export interface AccountSpec {
  email: string;
  password: string;
  displayName: string;
  /** E-mail addresses of other accounts; contacts are mutual. */
  contacts: string[];
}

const AccountSpecSchema = z
  .object({
    email: z.string().regex(ADDRESS, 'must look like name@domain'),
    password: z.string().min(1),
    displayName: z.string().trim().min(1),
    contacts: z.array(z.string()),
  })
  .strict() satisfies z.ZodType<AccountSpec>;
/** The accounts file: `{"accounts":[AccountSpec, …]}` and nothing else. */
export const AccountsFileSchema = z.object({ accounts: z.array(AccountSpecSchema) }).strict();

export interface Group {
  /** Number used by MSNP7–9; group 0 ("Other Contacts") is implicit and never stored. */
  readonly id: number;
  readonly guid: string;
  name: string;
}

export interface Contact {
  readonly email: string;
  /** OR of FL, AL, BL, RL. */
  lists: number;
  /**
   * Ids of the groups this FL contact is in. Group 0 ("Other Contacts", MSNP7–9) is a real
   * membership so that the classic move (ADD to the new group, REM from 0) works; a contact in no
   * group at all is listed in group 0 to MSNP7–9 clients and in none to MSNP10+ clients.
   */
  groups: Set<number>;
  readonly guid: string;
  /** MSNP13+ address book: the owner's nickname for this contact (`AB.NickName`). */
  nickname?: string;
}

export interface Account {
  readonly email: string;
  readonly password: string;
  readonly memberId: number;
  displayName: string;
  blp: 'AL' | 'BL';
  gtc: 'A' | 'N';
  /** MSNP2–9 list version, bumped on every change of this account's lists or settings. */
  version: number;
  phones: Map<string, string>;
  groups: Map<number, Group>;
  contacts: Map<string, Contact>;
  /** MSNP13+ address book: other annotations of the owner's own entry (`MSN.IM.MPOP`, …). */
  annotations: Map<string, string>;
}

const StateSchema = z.object({
  accounts: z.record(
    z.string(),
    z.object({
      displayName: z.string(),
      blp: z.enum(['AL', 'BL']),
      gtc: z.enum(['A', 'N']),
      version: z.number().int().nonnegative(),
      phones: z.record(z.string(), z.string()),
      groups: z.array(z.object({ id: z.number().int().positive(), guid: z.string(), name: z.string() })),
      contacts: z.array(
        z.object({
          email: z.string(),
          lists: z.number().int(),
          groups: z.array(z.number().int()),
          guid: z.string(),
          nickname: z.string().optional(),
        }),
      ),
      annotations: z.record(z.string(), z.string()).optional(),
    }),
  ),
});
type State = z.infer<typeof StateSchema>;

export class AccountStore {
  private readonly accounts = new Map<string, Account>();
  private readonly statePath: string | undefined;

  constructor(input: readonly AccountSpec[], stateDir?: string) {
    const specs = z.array(AccountSpecSchema).parse(input);
    specs.forEach((spec, i) => {
      const email = spec.email.toLowerCase();
      if (this.accounts.has(email)) throw new Error(`duplicate account ${email}`);
      this.accounts.set(email, {
        email,
        password: spec.password,
        memberId: i + 1,
        displayName: spec.displayName,
        blp: 'AL',
        gtc: 'A',
        version: 1,
        phones: new Map(),
        groups: new Map(),
        contacts: new Map(),
        annotations: new Map(),
      });
    });
    for (const spec of specs) {
      const owner = this.mustGet(spec.email);
      for (const email of spec.contacts) {
        const other = this.get(email);
        if (!other) throw new Error(`${owner.email} lists unknown contact ${email}`);
        if (other === owner) throw new Error(`${owner.email} lists itself as a contact`);
        // Seed contacts are mutual: each has the other on FL and AL, hence also on RL.
        for (const [a, b] of [
          [owner, other],
          [other, owner],
        ] as const) {
          this.contact(a, b.email).lists |= FL | AL;
          this.contact(b, a.email).lists |= RL;
        }
      }
    }
    if (stateDir !== undefined) {
      mkdirSync(stateDir, { recursive: true });
      this.statePath = join(stateDir, 'state.json');
      this.load();
    }
  }

  get(email: string): Account | undefined {
    return this.accounts.get(email.toLowerCase());
  }

  /** Returns the owner's entry for `email`, creating an empty one when missing. */
  contact(owner: Account, email: string): Contact {
    const key = email.toLowerCase();
    let c = owner.contacts.get(key);
    if (!c) {
      c = { email: key, lists: 0, groups: new Set(), guid: randomUUID() };
      owner.contacts.set(key, c);
    }
    return c;
  }

  findContactByGuid(owner: Account, guid: string): Contact | undefined {
    const lower = guid.toLowerCase();
    for (const c of owner.contacts.values()) if (c.guid === lower) return c;
    return undefined;
  }

  /**
   * Adds or removes `email` on one of the owner's lists. FL changes are mirrored on the other
   * account's RL, and leaving FL drops group memberships. Call `commit` afterwards.
   */
  setList(owner: Account, email: string, bit: number, on: boolean): void {
    const c = this.contact(owner, email);
    c.lists = on ? c.lists | bit : c.lists & ~bit;
    if (bit === FL) {
      if (!on) c.groups.clear();
      const other = this.get(email);
      if (other) {
        const back = this.contact(other, owner.email);
        back.lists = on ? back.lists | RL : back.lists & ~RL;
        this.prune(other, back);
      }
    }
    this.prune(owner, c);
  }

  addGroup(owner: Account, name: string): Group {
    let id = 1;
    while (owner.groups.has(id)) id++;
    const group = { id, guid: randomUUID(), name };
    owner.groups.set(id, group);
    return group;
  }

  findGroupByGuid(owner: Account, guid: string): Group | undefined {
    const lower = guid.toLowerCase();
    for (const g of owner.groups.values()) if (g.guid === lower) return g;
    return undefined;
  }

  removeGroup(owner: Account, group: Group): void {
    owner.groups.delete(group.id);
    for (const c of owner.contacts.values()) c.groups.delete(group.id);
  }

  /** Records a change of these accounts: bumps their list versions and persists. */
  commit(...changed: Account[]): void {
    for (const a of new Set(changed)) a.version++;
    this.save();
  }

  private mustGet(email: string): Account {
    const a = this.get(email);
    if (!a) throw new Error(`unknown account ${email}`);
    return a;
  }

  private prune(owner: Account, c: Contact): void {
    if (c.lists === 0) owner.contacts.delete(c.email);
  }

  private load(): void {
    if (!this.statePath) return;
    let text: string;
    try {
      text = readFileSync(this.statePath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const state = StateSchema.parse(JSON.parse(text));
    // Saved lists replace the seeded ones; accounts new to the accounts file keep their seed.
    for (const [email, saved] of Object.entries(state.accounts)) {
      const a = this.get(email);
      if (!a) continue;
      a.displayName = saved.displayName;
      a.blp = saved.blp;
      a.gtc = saved.gtc;
      a.version = saved.version;
      a.phones = new Map(Object.entries(saved.phones));
      a.groups = new Map(saved.groups.map((g) => [g.id, { ...g }]));
      a.contacts = new Map(
        saved.contacts
          .filter((c) => this.get(c.email))
          .map((c) => [
            c.email,
            {
              email: c.email,
              lists: c.lists,
              groups: new Set(c.groups),
              guid: c.guid,
              ...(c.nickname === undefined ? {} : { nickname: c.nickname }),
            },
          ]),
      );
      a.annotations = new Map(Object.entries(saved.annotations ?? {}));
    }
  }

  private save(): void {
    if (!this.statePath) return;
    const state: State = { accounts: {} };
    for (const a of this.accounts.values()) {
      state.accounts[a.email] = {
        displayName: a.displayName,
        blp: a.blp,
        gtc: a.gtc,
        version: a.version,
        phones: Object.fromEntries(a.phones),
        groups: [...a.groups.values()],
        contacts: [...a.contacts.values()].map((c) => ({ ...c, groups: [...c.groups] })),
        annotations: Object.fromEntries(a.annotations),
      };
    }
    // Write-then-rename so a crash never leaves a half-written state file behind.
    const tmp = `${this.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 2));
    renameSync(tmp, this.statePath);
  }
}
