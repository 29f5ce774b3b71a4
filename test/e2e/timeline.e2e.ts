// End-to-end tests of the message timeline view (issue: timeline and client).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { poll, wsPath } from './helpers';
import type { MailLogLensApi } from '../../client/src/extension';
import type { EventNode, MessageNode, TimelineNode } from '../../client/src/timeline/provider';


const messagesOf = (nodes: TimelineNode[]) => nodes.filter((n): n is MessageNode => n.type === 'message');

suite('Message Timeline', () => {
  let api: MailLogLensApi;
  let smtpLines: string[];

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<MailLogLensApi>('mail-log-lens.mail-log-lens')!;
    api = await ext.activate();
    smtpLines = fs.readFileSync(wsPath('real', 'smtp_25.log'), 'utf8').split(/\r?\n/);
    await vscode.commands.executeCommand('mailLogLens.showTimeline');
  });

  test('the view fills with messages, newest first, paged', async () => {
    api.timeline.setFilter({ text: '', outcomes: [] });
    const top = await poll('messages in the timeline', async () => {
      const nodes = await api.timeline.provider.getChildren();
      return messagesOf(nodes).length ? nodes : undefined;
    });
    const msgs = messagesOf(top);
    assert.ok(msgs.length >= 100, `${msgs.length} messages`);
    const times = msgs.map((m) => Date.parse(m.message.time));
    for (let i = 1; i < times.length; i++) assert.ok(times[i - 1] >= times[i], 'newest first');
    const item = api.timeline.provider.getTreeItem(msgs[0]);
    assert.match(String(item.label), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} .+ → /);
    assert.ok(item.iconPath instanceof vscode.ThemeIcon);
  });

  test('selecting an event opens the right file at the right line', async () => {
    const top = messagesOf(await api.timeline.provider.getChildren());
    const msg = top.find((m) => m.message.outcome === 'delivered' && m.message.lineCount >= 5)!;
    const events = (await api.timeline.provider.getChildren(msg)) as EventNode[];
    const delivery = events.find((e) => e.event.kind === 'delivery.result')!;
    assert.ok(delivery, 'a delivered message has a delivery result');
    const item = api.timeline.provider.getTreeItem(delivery);
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    const editor = await poll('the delivery log in the editor', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.toString() === delivery.event.uri && e.selection.start.line === delivery.event.range.start.line ? e : undefined;
    });
    assert.equal(path.basename(editor.document.uri.fsPath), 'delivery.log');
    assert.equal(editor.document.lineAt(editor.selection.start.line).text, delivery.event.text);
    assert.match(delivery.event.text, /, result, \d+, success, /);
  });

  test('the filter narrows the list', async () => {
    const all = messagesOf(await api.timeline.provider.getChildren());
    const rcpt = all.find((m) => m.message.recipients.length)!.message.recipients[0];
    api.timeline.setFilter({ text: rcpt });
    const narrowed = messagesOf(await api.timeline.provider.getChildren());
    assert.ok(narrowed.length > 0 && narrowed.length < all.length, `${narrowed.length} of ${all.length}`);
    for (const m of narrowed) assert.ok([m.message.sender ?? '', ...m.message.recipients].some((a) => a.toLowerCase().includes(rcpt.toLowerCase())));
    api.timeline.setFilter({ text: '', outcomes: ['failed'] });
    const failed = messagesOf(await api.timeline.provider.getChildren());
    assert.ok(failed.length > 0);
    assert.ok(failed.every((m) => m.message.outcome === 'failed'));
    api.timeline.setFilter({ text: '', outcomes: [] });
  });

  test('following the cursor selects the message of the line', async () => {
    await api.timeline.provider.getChildren();
    const line = smtpLines.findIndex((l, i) => i > 200 && / qp \d+/.test(l));
    const qp = / qp (\d+)/.exec(smtpLines[line])![1];
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(wsPath('real', 'smtp_25.log')));
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    await poll('smtp log language', () => (editor.document.languageId === 'qmail-smtp-log' ? true : undefined), 10000);
    await vscode.commands.executeCommand('mailLogLens.showTimeline');
    await vscode.window.showTextDocument(doc, { preview: false });
    const holdsLine = async (n: TimelineNode | undefined) => n?.type === 'message'
      && ((await api.timeline.provider.getChildren(n)) as EventNode[]).some((e) => e.event.text === smtpLines[line] && e.event.range.start.line === line);
    editor.selection = new vscode.Selection(line, 0, line, 0);
    const selected = await poll(`the timeline to select the message of line ${line + 1} (qp ${qp})`, async () => {
      await api.timeline.settled();
      const s = api.timeline.selected();
      return (await holdsLine(s)) ? s : undefined;
    }, 15000);
    assert.equal(selected.type, 'message');
    // Moving to a line of another message moves the selection with it.
    const other = smtpLines.findIndex((l, i) => i > line + 20 && / qp \d+/.test(l));
    editor.selection = new vscode.Selection(other, 0, other, 0);
    await poll('the selection to move', async () => {
      await api.timeline.settled();
      const s = api.timeline.selected();
      return s?.type === 'message' && s.message.id !== (selected as MessageNode).message.id ? s : undefined;
    }, 15000);
  });

  test('export writes the filtered timeline as CSV and JSON', async () => {
    api.timeline.setFilter({ text: '', outcomes: ['rejected-spamdyke'] });
    const expected = messagesOf(await api.timeline.provider.getChildren());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-export-'));
    try {
      const csv = path.join(dir, 'timeline.csv');
      await vscode.commands.executeCommand('mailLogLens.exportCsv', csv);
      const rows = fs.readFileSync(csv, 'utf8').trim().split(/\r?\n/);
      assert.equal(rows[0], 'id,time,sender,recipients,outcome,lines');
      assert.equal(rows.length - 1, expected.length);
      assert.ok(rows.slice(1).every((r) => r.includes(',rejected-spamdyke,')));
      assert.deepEqual(rows.slice(1).map((r) => r.split(',')[0]), expected.map((m) => m.message.id));
      const json = path.join(dir, 'timeline.json');
      await vscode.commands.executeCommand('mailLogLens.exportJson', json);
      const data = JSON.parse(fs.readFileSync(json, 'utf8'));
      assert.equal(data.messages.length, expected.length);
      assert.ok(data.messages.every((m: { events: Array<{ kind: string }> }) => m.events.some((e) => e.kind.startsWith('spamdyke.DENIED'))));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      api.timeline.setFilter({ text: '', outcomes: [] });
    }
  });

  test('next message moves the cursor to the next message in the log', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(wsPath('real', 'smtp_25.log')));
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('mailLogLens.nextMessage');
    const next = editor.selection.active.line;
    assert.ok(next > 0, 'moved down');
    assert.equal(smtpLines[next - 1].trim(), '', 'to the first line of a transaction');
    await vscode.commands.executeCommand('mailLogLens.previousMessage');
    assert.equal(editor.selection.active.line, 0);
  });
});
