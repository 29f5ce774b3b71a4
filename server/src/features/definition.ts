import { DefinitionParams, Location } from 'vscode-languageserver';
import { Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';
import { blockLocation, messageParts, uriToPath } from './locations';

/**
 * The message's related lines: every part of it (SMTP transaction, delivery group, retries,
 * spamdyke lines) except the part the cursor is in, and the bounce of a failed delivery or the
 * message a bounce reports on.
 */
export function definition(snap: Snapshot, reader: LineReader, params: DefinitionParams): Location[] {
  const path = uriToPath(params.textDocument.uri);
  if (!path) return [];
  const line = params.position.line;
  const m = snap.messageAt(path, line);
  if (!m) return [];
  const out: Location[] = [];
  for (const part of messageParts(snap, m)) {
    if (part.file.path === path && line >= part.first && line <= part.last) continue;
    out.push(blockLocation(reader, part.file, part.first, part.last));
  }
  for (const other of [...m.bounces, ...(m.bounceOf !== undefined ? [m.bounceOf] : [])]) {
    const om = other < snap.messageCount ? snap.message(other) : undefined;
    if (!om) continue;
    for (const part of messageParts(snap, om)) out.push(blockLocation(reader, part.file, part.first, part.last));
  }
  return out;
}
