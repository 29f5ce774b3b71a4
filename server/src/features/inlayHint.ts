import { InlayHint, InlayHintLabelPart, InlayHintParams } from 'vscode-languageserver';
import { Message } from '../core/correlate';
import { IndexedFile, Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';
import { blockLocation, documentFile, messageParts, pathToUri } from './locations';
import { deliverySummary } from './describe';

export const SHOW_RELATED_COMMAND = 'mailLogLens.showRelated';

/**
 * At the end of each message's first line in this file, its outcome at a glance, e.g.
 * `→ delivered locally · spamdyke ALLOWED · 3 delivery lines`; each part leads to its lines.
 */
export function inlayHints(snap: Snapshot, reader: LineReader, params: InlayHintParams): InlayHint[] {
  const file = documentFile(snap, params.textDocument.uri);
  if (!file) return [];
  const owners = snap.correlation.lineOwner.get(file.id);
  if (!owners) return [];
  const from = Math.max(0, params.range.start.line);
  const to = Math.min(owners.length - 1, params.range.end.line);
  const out: InlayHint[] = [];
  const lines = reader.range(file, from, to + 1);
  for (let l = from; l <= to; l++) {
    const idx = owners[l];
    if (idx < 0 || (l > 0 && owners[l - 1] === idx)) continue;
    const m = snap.message(idx);
    const parts = messageParts(snap, m);
    const here = parts.find((p) => p.file.id === file.id && p.first === l);
    if (!here || parts.filter((p) => p.file.id === file.id)[0] !== here) continue;
    const label = hintLabel(snap, reader, m, file, l);
    out.push({ position: { line: l, character: (lines[l - from] ?? '').length }, label, paddingLeft: true });
  }
  return out;
}

function hintLabel(snap: Snapshot, reader: LineReader, m: Message, file: IndexedFile, line: number): InlayHintLabelPart[] {
  const uri = pathToUri(file.path);
  const parts: InlayHintLabelPart[] = [{
    value: `→ ${deliverySummary(m)}`,
    tooltip: 'Show the lines of this message in the other logs',
    command: { title: 'Show related lines', command: SHOW_RELATED_COMMAND, arguments: [uri, line] },
  }];
  const others = messageParts(snap, m).filter((p) => p.file.id !== file.id);
  if (file.format !== 'spamdyke' && m.spamdyke.length) {
    const verdicts = [...new Set(m.spamdyke.map((r) => r.verdict))].join('/');
    const p = others.find((x) => x.role === 'spamdyke');
    parts.push({ value: ` · spamdyke ${verdicts}`, location: p ? blockLocation(reader, p.file, p.first, p.last) : undefined });
  }
  if (file.format !== 'delivery' && m.delivery.length) {
    const n = m.delivery.reduce((k, g) => k + g.lines.length, 0);
    const p = others.find((x) => x.role === 'delivery');
    parts.push({ value: ` · ${n} delivery line${n === 1 ? '' : 's'}`, location: p ? blockLocation(reader, p.file, p.first, p.last) : undefined });
  }
  if (file.format !== 'smtp' && m.smtp) {
    const smtpFile = snap.fileById(m.smtp.file);
    const port = smtpFile?.port ? ` port ${smtpFile.port}` : '';
    const p = others.find((x) => x.role === 'smtp');
    parts.push({ value: ` · SMTP${port}`, location: p ? blockLocation(reader, p.file, p.first, p.last) : undefined });
  }
  if (m.bounces.length) parts.push({ value: ' · bounced' });
  if (m.bounceOf !== undefined) parts.push({ value: ' · bounce' });
  if (m.ambiguous) parts.push({ value: ' · ⚠ ambiguous link', tooltip: m.ambiguous.join('\n') });
  return parts;
}
