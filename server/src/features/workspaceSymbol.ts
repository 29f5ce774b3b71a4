import { SymbolInformation, SymbolKind, WorkspaceSymbolParams } from 'vscode-languageserver';
import { otherSpelling } from '../core/addressKey';
import { Interner } from '../core/columns';
import { deliveryRecipient } from '../core/correlate';
import { Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';
import { lineLocation } from './locations';
import { messageTitle } from './describe';

const MAX_RESULTS = 500;

/** Per interner, the other spelling of each address with an internationalized domain, by id. */
const alternates = new WeakMap<Interner, { done: number; byId: Map<number, string> }>();

function otherSpellings(strings: Interner): Map<number, string> {
  let cache = alternates.get(strings);
  if (!cache) alternates.set(strings, (cache = { done: 0, byId: new Map() }));
  const values = strings.values;
  for (; cache.done < values.length; cache.done++) {
    const v = values[cache.done];
    if (!v.includes('@')) continue;
    const other = otherSpelling(v);
    if (other) cache.byId.set(cache.done, other.toLowerCase());
  }
  return cache.byId;
}

/**
 * Whether the i-th message can be found by the (lower-case) query: a part of one of its
 * addresses (and so domains), IPs, qp numbers (`qp 15309` or `15309`) or delivery ids.
 *
 * Each interned string is tested once per query, and a message is then checked by the ids in
 * its table rows: no text per message is built or kept, which for 120,000 messages used to
 * cost the first search 160–200 ms and tens of MB.
 */
export function messageMatcher(snap: Snapshot, query: string): (i: number) => boolean {
  const c = snap.correlation, values = c.strings.values;
  const hit = new Uint8Array(values.length);
  // An internationalized domain is found by either spelling, whichever the log holds.
  const others = otherSpellings(c.strings);
  for (let k = 0; k < values.length; k++) if (values[k].toLowerCase().includes(query) || others.get(k)?.includes(query)) hit[k] = 1;
  // A delivery recipient is searched without qmail's `domain-` prefix, as the message shows it;
  // the prefixed form contains the plain one, so only hits need a second look.
  const plainHit = new Map<number, boolean>();
  const deliveryHit = (id: number) => {
    if (!hit[id]) return false;
    let h = plainHit.get(id);
    if (h === undefined) {
      const other = others.get(id);
      h = deliveryRecipient(values[id]).toLowerCase().includes(query) || (other !== undefined && deliveryRecipient(other).includes(query));
      plainHit.set(id, h);
    }
    return h;
  };
  // Only such queries can be part of `qp 15309` or of a delivery id.
  const qpLike = /^[qp \d]+$/.test(query), numeric = /^\d+$/.test(query);
  const hasId = (id: number) => id >= 0 && hit[id] === 1;
  return (i) => {
    if (hasId(c.msgSender[i])) return true;
    const t = c.msgSmtp[i];
    if (t >= 0) {
      const tab = c.files[c.txns.file[t]].parsed.smtp!, row = c.txns.row[t];
      for (let r = tab.rcptStart[row]; r < tab.rcptStart[row] + tab.rcptCount[row]; r++) if (hasId(tab.rcptAddress[r])) return true;
      if (qpLike && tab.queueLine[row] >= 0 && `qp ${tab.qp[row]}`.includes(query)) return true;
    }
    for (let g = c.msgGroup[i]; g >= 0; g = c.groupNext[g]) {
      const d = c.files[c.groups.file[g]].parsed.delivery!, row = c.groups.row[g];
      for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) {
        if (deliveryHit(d.attRecipient[a]) || (numeric && String(d.attId[a]).includes(query))) return true;
      }
    }
    for (let rec = c.msgRecord[i]; rec >= 0; rec = c.recordNext[rec]) {
      const y = c.files[c.records.file[rec]].parsed.spamdyke!, row = c.records.row[rec];
      if (hasId(y.ip[row]) || (y.hasEnvelope[row] && hasId(y.recipient[row]))) return true;
    }
    return false;
  };
}

/** Messages whose addresses, domains, IPs, qp or delivery ids contain the query. */
export function workspaceSymbols(snap: Snapshot, reader: LineReader, params: WorkspaceSymbolParams): SymbolInformation[] {
  const q = params.query.trim().toLowerCase();
  if (!q) return [];
  const matches = messageMatcher(snap, q);
  const out: SymbolInformation[] = [];
  for (let i = 0; i < snap.messageCount && out.length < MAX_RESULTS; i++) {
    if (!matches(i)) continue;
    const m = snap.message(i);
    const first = snap.linesOf(m)[0];
    if (!first) continue;
    out.push({ name: messageTitle(m), kind: SymbolKind.Event, location: lineLocation(reader, first), containerName: first.file.path.replace(/^.*[\\/]/, '') });
  }
  return out;
}
