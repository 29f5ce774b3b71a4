// Registers the Message Timeline: the view, its commands, follow-cursor, the status bar item,
// message navigation, copy and export. Everything reads through `mailLogs/messages`.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  LOG_LANGUAGE_IDS, OUTCOMES, OUTCOME_CODICON, OUTCOME_TEXT, Outcome, TimelineMessage, basename, requestMessages,
} from './model';
import { EventNode, Grouping, MoreNode, TimelineNode, TimelineProvider } from './provider';

export const VIEW_ID = 'mailLogLens.timeline';

export interface TimelineApi {
  provider: TimelineProvider;
  view: vscode.TreeView<TimelineNode>;
  setFilter(filter: { text?: string; outcomes?: Outcome[] }): void;
  setGrouping(grouping: Grouping): void;
  selected(): TimelineNode | undefined;
  /** Resolves when the follow-cursor selection of the last cursor move has been made. */
  settled(): Promise<void>;
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(messages: TimelineMessage[]): string {
  const rows = [['id', 'time', 'sender', 'recipients', 'outcome', 'lines'].join(',')];
  for (const m of messages) rows.push([m.id, m.time, m.sender ?? '', m.recipients.join(' '), m.outcome, String(m.lineCount)].map(csvCell).join(','));
  return rows.join('\r\n') + '\r\n';
}

export function registerTimeline(context: vscode.ExtensionContext, client: LanguageClient): TimelineApi {
  const provider = new TimelineProvider(client);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(view, provider);

  const updateMessage = () => {
    const parts: string[] = [];
    if (provider.filter.text.trim()) parts.push(`“${provider.filter.text.trim()}”`);
    if (provider.filter.outcomes.length) parts.push(provider.filter.outcomes.map((o) => OUTCOME_TEXT[o].toLowerCase()).join(' or '));
    view.message = parts.length ? `Filter: ${parts.join(' · ')} — ${provider.matching} of ${provider.indexed} messages` : undefined;
    view.description = `${provider.order === 'newest' ? 'newest first' : 'oldest first'}${provider.grouping !== 'none' ? ` · by ${provider.grouping}` : ''}`;
    void vscode.commands.executeCommand('setContext', 'mailLogLens.timelineFiltered', provider.filtered);
  };
  context.subscriptions.push(provider.onDidLoad(updateMessage));

  const reload = () => {
    provider.refresh();
    updateMessage();
    void vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => new Promise<void>((resolve) => {
      const d = provider.onDidLoad(() => { d.dispose(); resolve(); });
      setTimeout(() => { d.dispose(); resolve(); }, 30000);
    }));
  };

  // The index changes as files are scanned or edited: watch its version and show progress meanwhile.
  let knownVersion = -1;
  let building: (() => void) | undefined;
  const poll = async () => {
    try {
      const r = await requestMessages(client, { limit: 0 });
      if (r.version !== knownVersion) {
        knownVersion = r.version;
        if (!building) {
          void vscode.window.withProgress({ location: { viewId: VIEW_ID }, title: 'Indexing mail logs' }, () => new Promise<void>((resolve) => { building = resolve; }));
        }
        reload();
        void updateStatus();
      } else if (building) {
        building();
        building = undefined;
      }
    } catch {
      // The server is restarting; try again on the next tick.
    }
  };
  const timer = setInterval(() => void poll(), 1500);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
  void poll();

  const setFilter = (f: { text?: string; outcomes?: Outcome[] }) => {
    provider.filter = { text: f.text ?? provider.filter.text, outcomes: f.outcomes ?? provider.filter.outcomes };
    reload();
  };
  const setGrouping = (g: Grouping) => {
    provider.grouping = g;
    reload();
  };

  // Follow the cursor.
  let followTimer: ReturnType<typeof setTimeout> | undefined;
  let following: Promise<void> = Promise.resolve();
  let pendingFollow: Promise<void> | undefined;
  const revealAt = async (uri: vscode.Uri, line: number, focus: boolean) => {
    const node = await provider.nodeFor(uri.toString(), line);
    if (!node) return false;
    if (!view.visible && !focus) return true;
    await view.reveal(node, { select: true, focus, expand: false });
    return true;
  };
  context.subscriptions.push(vscode.window.onDidChangeTextEditorSelection((e) => {
    if (!LOG_LANGUAGE_IDS.includes(e.textEditor.document.languageId) || !view.visible) return;
    clearTimeout(followTimer);
    const uri = e.textEditor.document.uri;
    const line = e.selections[0].active.line;
    pendingFollow = new Promise<void>((resolve) => {
      followTimer = setTimeout(() => {
        following = following.then(() => revealAt(uri, line, false)).then(() => undefined, () => undefined);
        void following.then(resolve);
      }, 150);
    });
  }));

  // Status bar: counts by outcome for the active log.
  const status = vscode.window.createStatusBarItem('mailLogLens.outcomes', vscode.StatusBarAlignment.Left, 50);
  status.name = 'Mail Log Lens: outcomes';
  status.command = 'mailLogLens.showTimeline';
  context.subscriptions.push(status);
  const updateStatus = async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !LOG_LANGUAGE_IDS.includes(editor.document.languageId)) {
      status.hide();
      return;
    }
    try {
      const r = await requestMessages(client, { filter: { uri: editor.document.uri.toString() }, limit: 0, facets: true });
      const counts = r.counts ?? {};
      const shown = OUTCOMES.filter((o) => counts[o]);
      status.text = shown.length ? shown.map((o) => `$(${OUTCOME_CODICON[o]}) ${counts[o]}`).join(' ') : '$(mail) no messages';
      status.tooltip = shown.length
        ? `${r.total} messages in ${basename(editor.document.uri.toString())}\n${shown.map((o) => `${OUTCOME_TEXT[o]}: ${counts[o]}`).join('\n')}\nClick to open the Message Timeline`
        : 'No indexed messages in this log yet';
      status.show();
    } catch {
      status.hide();
    }
  };
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(() => void updateStatus()));
  void updateStatus();

  const messageOf = async (arg: unknown): Promise<TimelineMessage | undefined> => {
    let node = (arg && typeof arg === 'object' && 'type' in arg ? arg : view.selection[0]) as TimelineNode | undefined;
    if (node?.type === 'event') node = node.parent;
    if (node?.type === 'message') {
      const r = await requestMessages(client, { ids: [node.message.id] }).catch(() => undefined);
      if (r?.messages[0]) return r.messages[0];
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const r = await requestMessages(client, { at: { uri: editor.document.uri.toString(), line: editor.selection.active.line } });
    return r.messages[0];
  };

  const exportTo = async (format: 'csv' | 'json', target?: string | vscode.Uri) => {
    let uri = typeof target === 'string' ? vscode.Uri.file(target) : target;
    if (!uri) {
      uri = await vscode.window.showSaveDialog({
        filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
        defaultUri: vscode.workspace.workspaceFolders?.[0] ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, `message-timeline.${format}`) : undefined,
      });
    }
    if (!uri) return undefined;
    const messages = await provider.allMessages(format === 'json');
    const text = format === 'csv' ? toCsv(messages) : JSON.stringify({ filter: provider.baseFilter(), order: provider.order, messages }, null, 2) + '\n';
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    return { path: uri.fsPath, rows: messages.length };
  };

  const moveToMessage = async (direction: 1 | -1) => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    const symbols = await vscode.commands.executeCommand<Array<vscode.DocumentSymbol | vscode.SymbolInformation>>('vscode.executeDocumentSymbolProvider', editor.document.uri);
    const starts = [...new Set((symbols ?? []).map((s) => ('range' in s ? s.range : s.location.range).start.line))].sort((a, b) => a - b);
    const here = editor.selection.active.line;
    const target = direction > 0 ? starts.find((l) => l > here) : [...starts].reverse().find((l) => l < here);
    if (target === undefined) {
      vscode.window.setStatusBarMessage(`Mail Log Lens: no ${direction > 0 ? 'next' : 'previous'} message in this log`, 3000);
      return;
    }
    const pos = new vscode.Position(target, 0);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  };

  const pickFilter = async () => {
    const text = await vscode.window.showInputBox({
      title: 'Filter the Message Timeline (1/2)', value: provider.filter.text,
      prompt: 'Address, domain, IP, qp or delivery id (empty: any)',
    });
    if (text === undefined) return;
    const picks = await vscode.window.showQuickPick(OUTCOMES.map((o) => ({ label: OUTCOME_TEXT[o], outcome: o, picked: provider.filter.outcomes.includes(o) })), {
      title: 'Filter the Message Timeline (2/2): outcomes (none: any)', canPickMany: true,
    });
    if (!picks) return;
    setFilter({ text, outcomes: picks.map((p) => p.outcome) });
  };

  const reg = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg('mailLogLens.showTimeline', async () => {
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
  });
  reg('mailLogLens.showInTimeline', async (uri?: vscode.Uri) => {
    const editor = vscode.window.activeTextEditor;
    const target = uri instanceof vscode.Uri ? uri : editor?.document.uri;
    if (!target) return;
    const line = editor && editor.document.uri.toString() === target.toString() ? editor.selection.active.line : 0;
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    if (!await revealAt(target, line, true)) {
      void vscode.window.showInformationMessage(provider.filtered
        ? 'Mail Log Lens: this line belongs to no message the timeline filter shows.'
        : 'Mail Log Lens: this line belongs to no message.');
    }
  });
  reg('mailLogLens.timeline.filter', pickFilter);
  reg('mailLogLens.timeline.clearFilter', () => setFilter({ text: '', outcomes: [] }));
  reg('mailLogLens.timeline.toggleOrder', () => {
    provider.order = provider.order === 'newest' ? 'oldest' : 'newest';
    reload();
  });
  reg('mailLogLens.timeline.groupBy', async (g?: Grouping) => {
    if (!g) {
      const pick = await vscode.window.showQuickPick([
        { label: 'No grouping', g: 'none' as Grouping }, { label: 'By outcome', g: 'outcome' as Grouping }, { label: 'By day', g: 'day' as Grouping },
      ], { title: 'Group the Message Timeline' });
      g = pick?.g;
    }
    if (g) setGrouping(g);
  });
  reg('mailLogLens.timeline.refresh', reload);
  reg('mailLogLens.timeline.loadMore', (more: MoreNode) => provider.loadMore(more));
  reg('mailLogLens.timeline.openEvent', async (node: EventNode) => {
    const e = node.event;
    const range = new vscode.Range(e.range.start.line, 0, e.range.start.line, e.range.end.character);
    // vscode.open works for files too large for the extension host (openTextDocument refuses those).
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.parse(e.uri), { selection: range, preview: true, preserveFocus: true } as vscode.TextDocumentShowOptions);
  });
  reg('mailLogLens.nextMessage', () => moveToMessage(1));
  reg('mailLogLens.previousMessage', () => moveToMessage(-1));
  reg('mailLogLens.copyMessageLines', async (arg?: unknown) => {
    const m = await messageOf(arg);
    if (!m?.events?.length) {
      void vscode.window.showInformationMessage('Mail Log Lens: no message here to copy.');
      return undefined;
    }
    const byFile = new Map<string, string[]>();
    for (const e of m.events) {
      const list = byFile.get(e.uri) ?? [];
      list.push(e.text);
      byFile.set(e.uri, list);
    }
    const text = [...byFile].map(([u, lines]) => `==> ${basename(u)} <==\n${lines.join('\n')}`).join('\n\n') + '\n';
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Mail Log Lens: copied ${m.events.length} lines from ${byFile.size} logs`, 3000);
    return text;
  });
  reg('mailLogLens.exportCsv', (target?: string | vscode.Uri) => exportTo('csv', target));
  reg('mailLogLens.exportJson', (target?: string | vscode.Uri) => exportTo('json', target));

  return {
    provider,
    view,
    setFilter,
    setGrouping,
    selected: () => view.selection[0],
    settled: async () => {
      await new Promise((r) => setTimeout(r, 200));
      await pendingFollow;
      await following;
    },
  };
}
