import { FoldingRange, FoldingRangeParams } from 'vscode-languageserver';
import { Snapshot } from '../core/snapshot';
import { uriToPath } from './locations';

/** One fold per SMTP transaction and per run of a delivery group's lines. */
export function foldingRanges(snap: Snapshot, params: FoldingRangeParams): FoldingRange[] {
  const path = uriToPath(params.textDocument.uri);
  const file = path ? snap.file(path) : undefined;
  if (!file) return [];
  const out: FoldingRange[] = [];
  for (const t of file.parsed.smtp) if (t.lastLine > t.firstLine) out.push({ startLine: t.firstLine, endLine: t.lastLine });
  for (const g of file.parsed.delivery) {
    const first = g.lines[0];
    let last = first;
    for (let i = 1; i < g.lines.length && g.lines[i] === last + 1; i++) last = g.lines[i];
    if (last > first) out.push({ startLine: first, endLine: last });
  }
  return out;
}
