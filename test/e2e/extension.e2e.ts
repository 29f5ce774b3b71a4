import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { poll, wsPath } from './helpers';

const EXTENSION_ID = 'mail-log-lens.mail-log-lens';


async function open(...parts: string[]): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(wsPath(...parts)));
  return vscode.window.showTextDocument(doc, { preview: false });
}

async function languageOf(parts: string[], expected: string): Promise<string> {
  const editor = await open(...parts);
  return poll(`${parts.join('/')} to become ${expected}`, () => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === editor.document.uri.fsPath);
    return doc?.languageId === expected ? doc.languageId : undefined;
  }, 10000).catch(() => vscode.workspace.textDocuments.find((d) => d.uri.fsPath === editor.document.uri.fsPath)!.languageId);
}

function lineOf(doc: vscode.TextDocument, re: RegExp): number {
  for (let i = 0; i < doc.lineCount; i++) if (re.test(doc.lineAt(i).text)) return i;
  throw new Error(`no line matches ${re} in ${doc.uri.fsPath}`);
}

suite('Mail Log Lens in VS Code', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    await open('real', 'spamdyke.log');
    await poll('activation', () => (ext.isActive ? true : undefined));
  });

  test('the three formats are recognised under their real names', async () => {
    assert.equal(await languageOf(['real', 'smtp_25.log'], 'qmail-smtp-log'), 'qmail-smtp-log');
    assert.equal(await languageOf(['real', 'smtp_587.log'], 'qmail-smtp-log'), 'qmail-smtp-log');
    assert.equal(await languageOf(['real', 'delivery.log'], 'qmail-delivery-log'), 'qmail-delivery-log');
    assert.equal(await languageOf(['real', 'spamdyke.log'], 'spamdyke-log'), 'spamdyke-log');
  });

  test('the content decides under opaque names (.log, .txt, no extension)', async () => {
    assert.equal(await languageOf(['opaque', 'export (1).log'], 'qmail-smtp-log'), 'qmail-smtp-log');
    assert.equal(await languageOf(['opaque', 'download-7f3a.txt'], 'qmail-smtp-log'), 'qmail-smtp-log');
    assert.equal(await languageOf(['opaque', 'mail.txt'], 'qmail-delivery-log'), 'qmail-delivery-log');
    assert.equal(await languageOf(['opaque', 'logfile'], 'spamdyke-log'), 'spamdyke-log');
  });

  test('unrelated .log and .txt files keep their language', async () => {
    for (const [name, expected] of [['app.log', 'log'], ['syslog.log', 'log'], ['notes.txt', 'plaintext']]) {
      const editor = await open('unrelated', name);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(editor.document.languageId, expected, name);
    }
  });

  test('log text pasted into a new untitled editor is recognised and explained', async () => {
    const text = (await vscode.workspace.fs.readFile(vscode.Uri.file(wsPath('real', 'spamdyke.log')))).toString().split('\n').slice(0, 40).join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: '' });
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), text));
    await poll('the pasted text to become spamdyke-log', () => (editor.document.languageId === 'spamdyke-log' ? true : undefined), 10000);
    const current = vscode.workspace.textDocuments.find((d) => d.uri.toString() === doc.uri.toString())!;
    const line = lineOf(current, /DENIED_|ALLOWED/);
    const verdict = /(DENIED_\w+|ALLOWED)/.exec(current.lineAt(line).text)!;
    const hovers = await poll('a hover on the verdict', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', current.uri, new vscode.Position(line, verdict.index + 2));
      return h && h.length ? h : undefined;
    }, 30000);
    const words = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(words, /spamdyke/i);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('Go to Definition from a spamdyke ALLOWED line reaches the SMTP and delivery logs', async () => {
    const editor = await open('real', 'spamdyke.log');
    const line = lineOf(editor.document, /ALLOWED .*reason: 250_ok_\d+_qp_\d+/);
    const pos = new vscode.Position(line, 20);
    const defs = await poll('definitions', async () => {
      const r = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', editor.document.uri, pos);
      return r && r.length ? r : undefined;
    }, 60000);
    const files = defs.map((d) => path.basename('uri' in d ? d.uri.fsPath : d.targetUri.fsPath));
    assert.ok(files.some((f) => /^smtp_(25|465|587)\.log$/.test(f)), `an SMTP log among ${files}`);
    assert.ok(files.includes('delivery.log'), `the delivery log among ${files}`);
    const qp = /qp_(\d+)/.exec(editor.document.lineAt(line).text)![1];
    const smtp = defs.find((d) => /^smtp_/.test(path.basename('uri' in d ? d.uri.fsPath : d.targetUri.fsPath)))!;
    const smtpDoc = await vscode.workspace.openTextDocument('uri' in smtp ? smtp.uri : smtp.targetUri);
    const range = 'range' in smtp ? smtp.range : smtp.targetRange;
    const block = smtpDoc.getText(new vscode.Range(range.start.line, 0, range.end.line + 1, 0));
    assert.match(block, new RegExp(`qp ${qp}\\b`), 'the SMTP block is the transaction with the same qp');
  });
});
