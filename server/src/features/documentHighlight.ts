import { DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams } from 'vscode-languageserver';
import { Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';
import { lineRange, uriToPath } from './locations';

/** The lines of the message under the cursor that stand in this file. */
export function documentHighlight(snap: Snapshot, reader: LineReader, params: DocumentHighlightParams): DocumentHighlight[] {
  const path = uriToPath(params.textDocument.uri);
  if (!path) return [];
  const m = snap.messageAt(path, params.position.line);
  if (!m) return [];
  return snap.linesOf(m)
    .filter((r) => r.file.path === path)
    .map((r) => ({ range: lineRange(reader, r.file, r.line), kind: DocumentHighlightKind.Text }));
}
