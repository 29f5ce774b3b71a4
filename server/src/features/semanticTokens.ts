// Semantic tokens, for editors that cannot load the TextMate grammars (Neovim, Kate, Sublime
// LSP, ...): each field the parser finds becomes a token of a standard type, so every theme
// colours it; whether a code or outcome is good, temporary or final is a modifier. VS Code colours
// with the grammars and does not ask for these (the extension's client says so at initialize).
import { SemanticTokens, SemanticTokensLegend, SemanticTokensParams, SemanticTokensRangeParams } from 'vscode-languageserver';
import { Entry, Field, FieldName } from '../core/entry';
import { parseLine } from '../core/fileParser';
import { Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';
import { documentFile } from './locations';

const TYPES = ['comment', 'keyword', 'string', 'number', 'enumMember', 'type', 'function', 'property'] as const;
const MODIFIERS = ['success', 'temporary', 'permanent'] as const;
type TokenType = (typeof TYPES)[number];
type Modifier = (typeof MODIFIERS)[number];

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

/** A whole document in one answer is bounded: a client that wants more asks for ranges. */
const MAX_FULL_LINES = 50_000;

const TYPE_OF_FIELD: Partial<Record<FieldName, TokenType>> = {
  timestamp: 'comment', kind: 'keyword', channel: 'keyword', remoteKind: 'keyword',
  address: 'string', from: 'string', to: 'string', quoted: 'string',
  code: 'enumMember', enhanced: 'enumMember', outcome: 'enumMember', verdict: 'enumMember',
  epoch: 'number', qp: 'number', pid: 'number', id: 'number', size: 'number', ip: 'number', origin_ip: 'number',
  host: 'type', program: 'function', label: 'property',
};

/** Good, temporary or final, from the text of a code, an outcome or a verdict. */
function modifierOf(name: FieldName, text: string): Modifier | undefined {
  if (name === 'code' || name === 'enhanced') {
    const c = text.replace(/^#/, '')[0];
    return c === '2' ? 'success' : c === '4' ? 'temporary' : c === '5' ? 'permanent' : undefined;
  }
  if (name === 'outcome') return text === 'success' ? 'success' : text === 'deferral' ? 'temporary' : text === 'failure' ? 'permanent' : undefined;
  if (name === 'verdict') return text.startsWith('ALLOWED') ? 'success' : text.startsWith('DENIED') ? 'permanent' : 'temporary';
  return undefined;
}

/** The fields of a line's entries that become tokens: the innermost where fields nest. */
function tokenFields(entries: Entry[]): Field[] {
  const fields = entries.flatMap((e) => e.fields).filter((f) => TYPE_OF_FIELD[f.name] && f.end > f.start);
  fields.sort((a, b) => a.start - b.start || (a.end - a.start) - (b.end - b.start));
  const out: Field[] = [];
  for (const f of fields) {
    const contains = (g: Field) => g !== f && g.start >= f.start && g.end <= f.end;
    if (fields.some(contains)) continue;
    const last = out[out.length - 1];
    if (last && f.start < last.end) continue;
    out.push(f);
  }
  return out;
}

function encode(snap: Snapshot, reader: LineReader, uri: string, from: number, to: number): SemanticTokens {
  const file = documentFile(snap, uri);
  if (!file) return { data: [] };
  to = Math.min(to, file.parsed.lineCount);
  const lines = reader.range(file, from, to);
  const data: number[] = [];
  let prevLine = 0, prevStart = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = from + i, text = lines[i];
    if (!text) continue;
    for (const f of tokenFields(parseLine(file.format, text).entries)) {
      const modifier = modifierOf(f.name, text.slice(f.start, f.end));
      const deltaLine = line - prevLine;
      data.push(deltaLine, deltaLine === 0 ? f.start - prevStart : f.start, f.end - f.start,
        TYPES.indexOf(TYPE_OF_FIELD[f.name]!), modifier ? 1 << MODIFIERS.indexOf(modifier) : 0);
      prevLine = line;
      prevStart = f.start;
    }
  }
  return { data };
}

export function semanticTokensFull(snap: Snapshot, reader: LineReader, params: SemanticTokensParams): SemanticTokens {
  return encode(snap, reader, params.textDocument.uri, 0, MAX_FULL_LINES);
}

export function semanticTokensRange(snap: Snapshot, reader: LineReader, params: SemanticTokensRangeParams): SemanticTokens {
  return encode(snap, reader, params.textDocument.uri, params.range.start.line, params.range.end.line + 1);
}
