// End-to-end tests of hovers, peek and the outline (issue: language features).
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { poll, wsPath } from './helpers';


async function openReal(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(wsPath('real', name)));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

function lineOf(doc: vscode.TextDocument, re: RegExp): number {
  for (let i = 0; i < doc.lineCount; i++) if (re.test(doc.lineAt(i).text)) return i;
  throw new Error(`no line matches ${re} in ${doc.uri.fsPath}`);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n').replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** Hovers at the start of `needle` on the first line matching `re`, polling until the index answers. */
async function hoverAt(doc: vscode.TextDocument, re: RegExp, needle: string): Promise<string> {
  const line = lineOf(doc, re);
  const character = doc.lineAt(line).text.indexOf(needle);
  assert.ok(character >= 0, `${needle} on line ${line}`);
  const pos = new vscode.Position(line, character + 1);
  return poll(`a hover on ${needle}`, async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
    const text = hovers ? hoverText(hovers) : '';
    return /Message:/.test(text) ? text : undefined;
  });
}

const fileOf = (d: vscode.Location | vscode.LocationLink) => path.basename('uri' in d ? d.uri.fsPath : d.targetUri.fsPath);

suite('Language features in VS Code', () => {
  test('VS Code colours the logs with the grammars only: the server offers it no semantic tokens', async () => {
    const doc = await openReal('spamdyke.log');
    await hoverAt(doc, /ALLOWED/, 'ALLOWED');
    const legend = await vscode.commands.executeCommand<vscode.SemanticTokensLegend | undefined>('vscode.provideDocumentSemanticTokensLegend', doc.uri);
    assert.equal(legend, undefined);
  });

  test('hovering a 554 reply code explains a permanent refusal', async () => {
    const doc = await openReal('smtp_25.log');
    const text = await hoverAt(doc, /, resp, 554 /, '554');
    assert.match(text, /permanent|for good/i);
    assert.match(text, /RCPT/);
  });

  test('hovering a spamdyke verdict explains it and places it in its message', async () => {
    const doc = await openReal('spamdyke.log');
    const text = await hoverAt(doc, /DENIED_GRAYLISTED/, 'DENIED_GRAYLISTED');
    assert.match(text, /graylist/i);
    assert.match(text, /Message:.*→/);
    assert.match(text, /\]\(file:\/\/.*smtp_25\.log#L\d+\)/);
  });

  test('Go to Definition from a spamdyke line reaches the SMTP and delivery logs', async () => {
    const doc = await openReal('spamdyke.log');
    const line = lineOf(doc, /ALLOWED .*reason: 250_ok_\d+_qp_\d+/);
    const defs = await poll('definitions', async () => {
      const r = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', doc.uri, new vscode.Position(line, 20));
      return r && r.length ? r : undefined;
    });
    const files = defs.map(fileOf);
    assert.ok(files.some((f) => /^smtp_(25|465|587)\.log$/.test(f)), `an SMTP log among ${files}`);
    assert.ok(files.includes('delivery.log'), `the delivery log among ${files}`);
  });

  test('the outline lists the messages of an SMTP log', async () => {
    const doc = await openReal('smtp_25.log');
    const symbols = await poll('document symbols', async () => {
      const r = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
      return r && r.length ? r : undefined;
    });
    const first = symbols[0];
    assert.equal(first.range.start.line, 0, 'the first message starts on the first line');
    const sender = /, from, (\S+)/.exec(doc.lineAt(0).text)![1];
    assert.ok(first.name.includes(sender), `${first.name} names the sender ${sender}`);
    const blankLines = Array.from({ length: doc.lineCount }, (_, i) => doc.lineAt(i).text.trim() === '').filter(Boolean).length;
    assert.ok(symbols.length >= Math.min(10, blankLines), `one symbol per transaction (${symbols.length})`);
  });
});
