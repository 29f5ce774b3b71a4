// VS Code's Log language claims *.log (and plain text *.txt) by extension, which outranks our
// `firstLine` patterns. So the content decides here: a document opened as log or plain text
// whose first lines are one of our formats is switched to that language; one of ours whose
// content is not (a name pattern matched an unrelated file) goes back to Log.
import * as vscode from 'vscode';
import { detectFormat } from '../../server/src/core/detect';
import { LogFormat } from '../../server/src/core/entry';

export const LANGUAGE_OF_FORMAT = { smtp: 'qmail-smtp-log', delivery: 'qmail-delivery-log', spamdyke: 'spamdyke-log' } as const;
const OURS = new Set<string>(Object.values(LANGUAGE_OF_FORMAT));
const CANDIDATES = new Set(['log', 'plaintext']);
/** The same content test the server uses to decide which files are logs. */
export function detectFormatOfLines(lines: string[]): LogFormat | undefined {
  return detectFormat(lines.join('\n'));
}

function sample(doc: vscode.TextDocument): string[] {
  const lines: string[] = [];
  for (let i = 0; i < doc.lineCount && lines.length < 60; i++) {
    const t = doc.lineAt(i).text;
    if (t.trim()) lines.push(t);
  }
  return lines;
}

async function classify(doc: vscode.TextDocument): Promise<void> {
  if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled' && doc.uri.scheme !== 'vscode-remote') return;
  const isCandidate = CANDIDATES.has(doc.languageId);
  const isOurs = OURS.has(doc.languageId);
  if (!isCandidate && !isOurs) return;
  const format = detectFormatOfLines(sample(doc));
  const target = format ? LANGUAGE_OF_FORMAT[format] : undefined;
  if (target && target !== doc.languageId) {
    await vscode.languages.setTextDocumentLanguage(doc, target);
  } else if (!target && isOurs && doc.lineCount > 1) {
    await vscode.languages.setTextDocumentLanguage(doc, 'log');
  }
}

export function registerLanguageDetection(context: vscode.ExtensionContext): void {
  const safe = (doc: vscode.TextDocument) => classify(doc).catch(() => undefined);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(safe));
  // Log text pasted into a new untitled editor arrives after it opened: look again after edits.
  const pending = new Map<string, NodeJS.Timeout>();
  context.subscriptions.push(vscode.workspace.onDidChangeTextDocument((e) => {
    const doc = e.document;
    if (!doc.isUntitled || !CANDIDATES.has(doc.languageId)) return;
    const key = doc.uri.toString();
    clearTimeout(pending.get(key));
    pending.set(key, setTimeout(() => {
      pending.delete(key);
      void safe(doc);
    }, 300));
  }));
  for (const doc of vscode.workspace.textDocuments) void safe(doc);
}
