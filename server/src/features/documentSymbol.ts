import { DocumentSymbol, DocumentSymbolParams, SymbolKind } from 'vscode-languageserver';
import { Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';
import { documentFile, messageParts } from './locations';
import { messageTitle } from './describe';

/** Above this many messages in one file, symbols come without their entries as children. */
export const MAX_MESSAGES_WITH_CHILDREN = 5000;

const ENTRY_HEAD = /^\uFEFF?\s*(?:\d{4}-\d{2}-\d{2} (\d{2}:\d{2}:\d{2}), |[A-Z][a-z]{2} [ \d]\d (\d{2}:\d{2}:\d{2}) \S+ spamdyke\[\d+\]: )/;

/** One symbol per message (per run of its lines in this file), with its entries as children. */
export function documentSymbols(snap: Snapshot, reader: LineReader, params: DocumentSymbolParams): DocumentSymbol[] {
  const file = documentFile(snap, params.textDocument.uri);
  if (!file) return [];
  const owners = snap.correlation.lineOwner.get(file.id);
  if (!owners) return [];
  const seen = new Set<number>();
  const order: number[] = [];
  for (let l = 0; l < owners.length; l++) {
    const m = owners[l];
    if (m >= 0 && !seen.has(m)) {
      seen.add(m);
      order.push(m);
    }
  }
  const withChildren = order.length <= MAX_MESSAGES_WITH_CHILDREN;
  const lines = reader.range(file, 0, file.parsed.lineCount);
  const out: DocumentSymbol[] = [];
  for (const idx of order) {
    const m = snap.message(idx);
    const title = messageTitle(m);
    const parts = messageParts(snap, m).filter((p) => p.file.id === file.id);
    parts.forEach((part, k) => {
      const lastLen = (lines[part.last] ?? '').length;
      const range = { start: { line: part.first, character: 0 }, end: { line: part.last, character: lastLen } };
      const selectionRange = { start: { line: part.first, character: 0 }, end: { line: part.first, character: (lines[part.first] ?? '').length } };
      const sym: DocumentSymbol = {
        name: k === 0 ? title : `${part.role === 'retry' ? 'retry' : 'continued'}: ${title}`,
        detail: part.role === 'retry' ? 'delivery retry' : part.role,
        kind: SymbolKind.Event,
        range,
        selectionRange,
      };
      if (withChildren) {
        sym.children = [];
        for (let l = part.first; l <= part.last; l++) {
          const text = lines[l] ?? '';
          const head = ENTRY_HEAD.exec(text);
          const name = (head ? text.slice(head[0].length) : text).trim().slice(0, 120) || '(entry)';
          sym.children.push({
            name,
            detail: head ? head[1] ?? head[2] : '',
            kind: SymbolKind.Field,
            range: { start: { line: l, character: 0 }, end: { line: l, character: text.length } },
            selectionRange: { start: { line: l, character: 0 }, end: { line: l, character: text.length } },
          });
        }
      }
      out.push(sym);
    });
  }
  return out;
}
