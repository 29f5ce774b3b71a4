import { FoldingRange, FoldingRangeParams } from 'vscode-languageserver';
import { Snapshot } from '../core/snapshot';
import { documentFile } from './locations';

/** One fold per SMTP transaction and per delivery group. */
export function foldingRanges(snap: Snapshot, params: FoldingRangeParams): FoldingRange[] {
  const file = documentFile(snap, params.textDocument.uri);
  if (!file) return [];
  const out: FoldingRange[] = [];
  const blocks = file.parsed.smtp ?? file.parsed.delivery;
  if (!blocks) return out;
  for (let i = 0; i < blocks.count; i++) {
    if (blocks.lastLine[i] > blocks.firstLine[i]) out.push({ startLine: blocks.firstLine[i], endLine: blocks.lastLine[i] });
  }
  return out;
}
