// Received offline messages: shown first, deleted after, and only what was shown; what could
// not be fetched or read is reported and left on the server.
import { describe, expect, it } from 'vitest';
import { OfflineInbox, type OfflineMailbox } from '../../../src/main/app/offline-inbox';
import type { OfflineMessage, OfflineMessageFailure, OfflineMessageNotice } from '../../../src/main/msnp/events';

const notice = (id: string, from = 'bob@example.com'): OfflineMessageNotice => ({
  id,
  from,
  fromName: 'Bob',
  receivedAt: 1,
});
const message = (id: string, text: string): OfflineMessage => ({ ...notice(id), text, sentAt: 1 });

class FakeMailbox implements OfflineMailbox {
  readonly calls: string[] = [];
  constructor(
    private readonly stored: Map<string, OfflineMessage>,
    private readonly unreadable: Map<string, string> = new Map(),
    private readonly failDelete = false,
  ) {}
  async fetchOfflineMessages(ids: readonly string[] = [...this.stored.keys()]) {
    this.calls.push(`fetch ${ids.join(',')}`);
    const messages: OfflineMessage[] = [];
    const failures: OfflineMessageFailure[] = [];
    for (const id of ids) {
      const found = this.stored.get(id);
      const reason = this.unreadable.get(id);
      if (found) messages.push(found);
      else failures.push({ id, from: 'bob@example.com', reason: reason ?? 'it is gone' });
    }
    return { messages, failures };
  }
  async deleteOfflineMessages(ids: readonly string[]): Promise<void> {
    this.calls.push(`delete ${ids.join(',')}`);
    if (this.failDelete) throw new Error('HTTP 500');
    for (const id of ids) this.stored.delete(id);
  }
}

function setup(show: (messages: readonly OfflineMessage[]) => string[] = (m) => m.map((x) => x.id)) {
  const shown: string[] = [];
  const errors: string[] = [];
  const inbox = new OfflineInbox({
    show: (messages) => {
      const ids = show(messages);
      shown.push(...messages.filter((m) => ids.includes(m.id)).map((m) => m.text));
      return ids;
    },
    nameOf: (email) => (email === 'bob@example.com' ? 'Bob' : email),
    reportError: (m) => errors.push(m),
  });
  return { inbox, shown, errors };
}

describe('offline inbox', () => {
  it('shows every message, then deletes exactly those shown', async () => {
    const { inbox, shown, errors } = setup();
    const mailbox = new FakeMailbox(
      new Map([
        ['A', message('A', 'one')],
        ['B', message('B', 'two')],
      ]),
    );
    await inbox.arrived(mailbox, [notice('A'), notice('B')]);
    expect(shown).toEqual(['one', 'two']);
    expect(mailbox.calls).toEqual(['fetch A,B', 'delete A,B']);
    expect(errors).toEqual([]);
  });

  it('reports an unreadable message and leaves it on the server', async () => {
    const { inbox, shown, errors } = setup();
    const mailbox = new FakeMailbox(
      new Map([['A', message('A', 'fine')]]),
      new Map([['B', 'its text is not valid base64']]),
    );
    await inbox.arrived(mailbox, [notice('A'), notice('B')]);
    expect(shown).toEqual(['fine']);
    expect(mailbox.calls).toEqual(['fetch A,B', 'delete A']);
    expect(errors).toEqual([
      'A message Bob sent while you were offline could not be read: its text is not valid base64. It was left on the server.',
    ]);
  });

  it('deletes nothing the window did not take', async () => {
    const { inbox, shown } = setup((messages) => messages.filter((m) => m.text !== 'refused').map((m) => m.id));
    const mailbox = new FakeMailbox(
      new Map([
        ['A', message('A', 'refused')],
        ['B', message('B', 'taken')],
      ]),
    );
    await inbox.arrived(mailbox, [notice('A'), notice('B')]);
    expect(shown).toEqual(['taken']);
    expect(mailbox.calls).toEqual(['fetch A,B', 'delete B']);
  });

  it('keeps everything on the server when the fetch fails', async () => {
    const { inbox, shown, errors } = setup();
    const mailbox: OfflineMailbox = {
      fetchOfflineMessages: () => Promise.reject(new Error('The server did not answer')),
      deleteOfflineMessages: () => Promise.reject(new Error('must not be called')),
    };
    await inbox.arrived(mailbox, [notice('A')]);
    expect(shown).toEqual([]);
    expect(errors).toEqual([
      'Messages sent to you while you were offline could not be fetched: The server did not answer. They are still on the server.',
    ]);
  });

  it('shows a message once though its notice comes again before the delete went through', async () => {
    const { inbox, shown, errors } = setup();
    const mailbox = new FakeMailbox(new Map([['A', message('A', 'once')]]), new Map(), true);
    // Two notices in a row (sign-in list, then a live one): handled one after the other.
    await Promise.all([inbox.arrived(mailbox, [notice('A')]), inbox.arrived(mailbox, [notice('A')])]);
    expect(shown).toEqual(['once']);
    expect(mailbox.calls).toEqual(['fetch A', 'delete A']);
    expect(errors).toEqual([
      'Offline messages you have read could not be removed from the server (HTTP 500): they may show again next time.',
    ]);
  });
});
