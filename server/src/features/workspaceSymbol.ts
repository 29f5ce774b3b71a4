import { SymbolInformation, SymbolKind, WorkspaceSymbolParams } from 'vscode-languageserver';
import { Message } from '../core/correlate';
import { Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';
import { lineLocation } from './locations';
import { messageTitle } from './describe';

const MAX_RESULTS = 500;

/** Everything a message can be found by: addresses (and so domains), IPs, qp and delivery ids. */
export function searchKeys(m: Message): string {
  const keys: string[] = [];
  if (m.sender) keys.push(m.sender);
  keys.push(...m.recipients);
  for (const r of m.spamdyke) if (r.ip) keys.push(r.ip);
  if (m.smtp?.queue) keys.push(`qp ${m.smtp.queue.qp}`, String(m.smtp.queue.qp));
  for (const g of m.delivery) for (const a of g.attempts) keys.push(a.id);
  return keys.join('\n').toLowerCase();
}

const keyCache = new WeakMap<Snapshot, string[]>();

export function messageKeys(snap: Snapshot): string[] {
  let keys = keyCache.get(snap);
  if (!keys) {
    keys = [];
    for (let i = 0; i < snap.messageCount; i++) keys.push(searchKeys(snap.message(i)));
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
