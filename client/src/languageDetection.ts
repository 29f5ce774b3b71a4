// VS Code's Log language claims *.log (and plain text *.txt) by extension, which outranks our
// `firstLine` patterns. So the content decides here: a document opened as log or plain text
// whose first lines are one of our formats is switched to that language; one of ours whose
// content is not (a name pattern matched an unrelated file) goes back to Log.
import * as vscode from 'vscode';

export const LANGUAGE_OF_FORMAT = { smtp: 'qmail-smtp-log', delivery: 'qmail-delivery-log', spamdyke: 'spamdyke-log' } as const;
const OURS = new Set<string>(Object.values(LANGUAGE_OF_FORMAT));
const CANDIDATES = new Set(['log', 'plaintext']);
const ISO = /^\uFEFF?\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}, (\w+), /;
const SYSLOG_SPAMDYKE = /^\uFEFF?\s*[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \S+ spamdyke\[\d+\]: /;
const SMTP_KINDS = new Set(['from', 'to', 'resp', 'check', 'size']);
const DELIVERY_KINDS = new Set(['init', 'try', 'result']);

export function detectFormatOfLines(lines: string[]): keyof typeof LANGUAGE_OF_FORMAT | undefined {
  let smtp = 0, delivery = 0, spamdyke = 0, other = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    const m = ISO.exec(line);
    if (m && SMTP_KINDS.has(m[1])) smtp++;
    else if (m && DELIVERY_KINDS.has(m[1])) delivery++;
    else if (SYSLOG_SPAMDYKE.test(line)) spamdyke++;
    else other++;
  }
  const best = Math.max(smtp, delivery, spamdyke);
  if (best === 0 || best < (smtp + delivery + spamdyke + other) / 2) return undefined;
  if (best === spamdyke) return 'spamdyke';
  return smtp >= delivery ? 'smtp' : 'delivery';
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
  for (const doc of vscode.workspace.textDocuments) void safe(doc);
}
