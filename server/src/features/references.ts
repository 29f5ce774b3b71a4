import { Location, ReferenceParams } from 'vscode-languageserver';
import { Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';
import { lineLocation, uriToPath } from './locations';

/** Every line of the message under the cursor, in all logs. */
export function references(snap: Snapshot, reader: LineReader, params: ReferenceParams): Location[] {
  const path = uriToPath(params.textDocument.uri);
  if (!path) return [];
  const m = snap.messageAt(path, params.position.line);
  if (!m) return [];
  return snap.linesOf(m)
    .filter((ref) => params.context.includeDeclaration || ref.file.path !== path || ref.line !== params.position.line)
    .map((ref) => lineLocation(reader, ref));
}
