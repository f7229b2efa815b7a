// ADL/RML payloads (MSNP13-18.md §6): list bits per address, grouped by domain, at most 150
// contacts per payload; the initial upload's first payload says so with l="1". Later changes go
// one domain per payload (Escargot applies only the last domain of one). RL and PL are the
// server's to tell; a client never sends them.
import type { ListName } from '../../../shared/schemas';
import { xml, type XmlFragment } from '../soap/xml';

const BITS: Partial<Record<ListName, number>> = { FL: 1, AL: 2, BL: 4 };
export const MAX_CONTACTS_PER_ADL = 150;

export interface AdlEntry {
  readonly email: string;
  readonly lists: readonly ListName[];
}

/**
 * `<ml>` payloads carrying every entry with FL, AL or BL bits. The initial upload always has one
 * (an empty `<ml l="1">` for an empty list); later changes have none when nothing is to be sent.
 */
export function listPayloads(entries: readonly AdlEntry[], initial: boolean): string[] {
  const contacts = entries.flatMap((entry) => {
    const bits = entry.lists.reduce((sum, list) => sum | (BITS[list] ?? 0), 0);
    const at = entry.email.lastIndexOf('@');
    if (bits === 0 || at <= 0 || at === entry.email.length - 1) return [];
    return [{ name: entry.email.slice(0, at).toLowerCase(), domain: entry.email.slice(at + 1).toLowerCase(), bits }];
  });
  const payloads: string[] = [];
  if (!initial) {
    const byDomain = new Map<string, typeof contacts>();
    for (const c of contacts) byDomain.set(c.domain, [...(byDomain.get(c.domain) ?? []), c]);
    for (const [domain, cs] of byDomain) {
      for (let start = 0; start < cs.length; start += MAX_CONTACTS_PER_ADL) {
        const items = cs
          .slice(start, start + MAX_CONTACTS_PER_ADL)
          .map((c) => xml`<c n="${c.name}" l="${c.bits}" t="1"/>`);
        payloads.push(xml`<ml><d n="${domain}">${items}</d></ml>`.text);
      }
    }
    return payloads;
  }
  for (let start = 0; start < contacts.length; start += MAX_CONTACTS_PER_ADL) {
    const chunk = contacts.slice(start, start + MAX_CONTACTS_PER_ADL);
    const domains = new Map<string, XmlFragment[]>();
    for (const c of chunk) {
      const list = domains.get(c.domain) ?? [];
      list.push(xml`<c n="${c.name}" l="${c.bits}" t="1"/>`);
      domains.set(c.domain, list);
    }
    const body = [...domains].map(([domain, cs]) => xml`<d n="${domain}">${cs}</d>`);
    payloads.push((start === 0 ? xml`<ml l="1">${body}</ml>` : xml`<ml>${body}</ml>`).text);
  }
  if (payloads.length === 0) payloads.push('<ml l="1"></ml>');
  return payloads;
}
