import { SymbolInformation, SymbolKind, WorkspaceSymbolParams } from 'vscode-languageserver';
import { messageRecipients } from '../core/correlate';
import { Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';
import { lineLocation } from './locations';
import { messageTitle } from './describe';

const MAX_RESULTS = 500;

/**
 * Everything the i-th message can be found by: addresses (and so domains), IPs, qp and delivery
 * ids. Read from the tables rather than from built messages: this runs for every message.
 */
export function searchKeys(snap: Snapshot, i: number): string {
  const c = snap.correlation, s = c.strings;
  const keys: string[] = [];
  const sender = c.msgSender[i] >= 0 ? s.get(c.msgSender[i]) : '';
  if (sender) keys.push(sender);
  keys.push(...messageRecipients(c, i));
  for (let rec = c.msgRecord[i]; rec >= 0; rec = c.recordNext[rec]) {
    const ip = s.get(c.files[c.records.file[rec]].parsed.spamdyke!.ip[c.records.row[rec]]);
    if (ip) keys.push(ip);
  }
  const t = c.msgSmtp[i];
  if (t >= 0) {
    const tab = c.files[c.txns.file[t]].parsed.smtp!, row = c.txns.row[t];
    if (tab.queueLine[row] >= 0) keys.push(`qp ${tab.qp[row]}`, String(tab.qp[row]));
  }
  for (let g = c.msgGroup[i]; g >= 0; g = c.groupNext[g]) {
    const d = c.files[c.groups.file[g]].parsed.delivery!, row = c.groups.row[g];
    for (let a = d.attStart[row]; a < d.attStart[row] + d.attCount[row]; a++) keys.push(String(d.attId[a]));
  }
  return keys.join('\n').toLowerCase();
}

const keyCache = new WeakMap<Snapshot, string[]>();

export function messageKeys(snap: Snapshot): string[] {
  let keys = keyCache.get(snap);
  if (!keys) {
    keys = [];
    for (let i = 0; i < snap.messageCount; i++) keys.push(searchKeys(snap, i));
    keyCache.set(snap, keys);
  }
  return keys;
}

/** Messages whose addresses, domains, IPs, qp or delivery ids contain the query. */
export function workspaceSymbols(snap: Snapshot, reader: LineReader, params: WorkspaceSymbolParams): SymbolInformation[] {
  const q = params.query.trim().toLowerCase();
  if (!q) return [];
  const keys = messageKeys(snap);
  const out: SymbolInformation[] = [];
  for (let i = 0; i < keys.length && out.length < MAX_RESULTS; i++) {
    if (!keys[i].includes(q)) continue;
    const m = snap.message(i);
    const first = snap.linesOf(m)[0];
    if (!first) continue;
    out.push({ name: messageTitle(m), kind: SymbolKind.Event, location: lineLocation(reader, first), containerName: first.file.path.replace(/^.*[\\/]/, '') });
  }
  return out;
}
