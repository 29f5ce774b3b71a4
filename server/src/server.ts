// Wiring only: LSP requests and notifications to the indexer and the features.
import * as path from 'path';
import {
  createConnection, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, InitializeParams,
  InitializeResult, MarkupKind, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LogIndex } from './core/logIndex';
import { WorkspaceIndexer } from './indexer';
import { DiskWatcher } from './diskWatcher';
import { LineReader } from './features/lineText';
import { isDiskPath, uriToDiskPath, uriToPath } from './features/locations';
import { references } from './features/references';
import { definition } from './features/definition';
import { documentHighlight } from './features/documentHighlight';
import { documentSymbols } from './features/documentSymbol';
import { foldingRanges } from './features/foldingRange';
import { workspaceSymbols } from './features/workspaceSymbol';
import { inlayHints } from './features/inlayHint';
import { SEMANTIC_TOKENS_LEGEND, semanticTokensFull, semanticTokensRange } from './features/semanticTokens';
import { DiagnosticsPublisher } from './features/diagnostics';
import { OpenDocumentLines } from './features/openDocuments';
import { hover } from './features/hover';
import { listMessages, MESSAGES_REQUEST } from './features/messages';
import { Settings, readSettings, includeFilter, DEFAULT_SETTINGS } from './settings';

const USAGE = `usage: node server.js [--stdio | --node-ipc | --socket=PORT | --pipe=NAME]
Mail Log Lens language server for qmail SMTP, delivery and spamdyke logs. It speaks the Language
Server Protocol over the transport given, over standard input and output by default.`;
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
// Editors configured with only `node server.js` get stdio, the transport nearly all of them use
// (as if `--stdio` were given, so that the library keeps console output off the protocol stream).
if (!args.some((a) => /^--(stdio|node-ipc|socket=|pipe=)/.test(a))) process.argv.push('--stdio');
const connection = createConnection(ProposedFeatures.all);
// A promise no code waits for must not end the server (Node's default for an unhandled
// rejection): say what failed, in the client's log, and go on.
process.on('unhandledRejection', (reason) => {
  connection.console.error(`Mail Log Lens: ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}`);
});
const documents = new TextDocuments(TextDocument);
let settings: Settings = DEFAULT_SETTINGS;
const index = new LogIndex({ windowSeconds: settings.correlationWindowSeconds, defaultYear: settings.spamdykeYear ?? undefined });
const indexer = new WorkspaceIndexer(connection, index, (p) => includeFilter(settings)(p));
const openDocuments = new OpenDocumentLines(documents);
const reader = new LineReader(openDocuments);
const diagnostics = new DiagnosticsPublisher(connection, reader);
let canConfigure = false;
let canRegisterConfiguration = false;
let canRefreshInlayHints = false;
let canWatch = false;
let canFollowFolders = false;
let markdownHovers = true;
let semanticTokens = false;
let folders: string[] = [];
// Only for clients that cannot watch files themselves.
let diskWatcher: DiskWatcher | undefined;

// A request that comes while its logs are still being indexed (a client may ask right after
// starting the server or opening a file) or while its document has unparsed edits waits for them,
// for READY_WAIT_MS at most; after that it is answered from the index as it stands.
const READY_WAIT_MS = 2000;
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
function whenReady<R>(uri: string | undefined, answer: () => R): R | Promise<R> {
  const filePath = uri ? uriToPath(uri) : undefined;
  if (initialIndexDone && indexer.isCurrent(filePath)) return answer();
  return Promise.race([Promise.all([initialIndexing, indexer.whenCurrent(filePath)]), pause(READY_WAIT_MS)]).then(answer);
}

// Settled when the workspace folders have been indexed once (or after READY_WAIT_MS, for a client
// that never sends `initialized`).
let initialIndexDone = false;
let initialIndexed: () => void = () => undefined;
const initialIndexing = new Promise<void>((resolve) => {
  initialIndexed = () => {
    initialIndexDone = true;
    resolve();
  };
});

connection.onInitialize((params: InitializeParams): InitializeResult => {
  setTimeout(initialIndexed, READY_WAIT_MS).unref();
  canConfigure = !!params.capabilities.workspace?.configuration;
  canRegisterConfiguration = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
  canRefreshInlayHints = !!params.capabilities.workspace?.inlayHint?.refreshSupport;
  canWatch = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  canFollowFolders = !!params.capabilities.workspace?.workspaceFolders;
  markdownHovers = !!params.capabilities.textDocument?.hover?.contentFormat?.includes(MarkupKind.Markdown);
  // Editors that colour with our TextMate grammars (the VS Code extension says so) need no tokens.
  const options = params.initializationOptions as { textMateGrammars?: boolean } | undefined;
  semanticTokens = !!params.capabilities.textDocument?.semanticTokens && options?.textMateGrammars !== true;
  if (params.initializationOptions) applySettings(params.initializationOptions, false);
  folders = (params.workspaceFolders ?? []).map((f) => uriToDiskPath(f.uri)).filter((p): p is string => !!p);
  if (!folders.length && params.rootUri) {
    const root = uriToDiskPath(params.rootUri);
    if (root) folders.push(root);
  }
  if (!folders.length && params.rootPath) folders.push(params.rootPath);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      referencesProvider: true,
      definitionProvider: true,
      documentHighlightProvider: true,
      documentSymbolProvider: { label: 'Messages' },
      foldingRangeProvider: true,
      workspaceSymbolProvider: true,
      inlayHintProvider: true,
      ...(semanticTokens ? { semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: true } } : {}),
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'mail-log-lens', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  if (canConfigure) {
    // A client may refuse a registration (or not know the request) although it announced it.
    if (canRegisterConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
    await refreshSettings();
  }
  const watchDisk = () => {
    diskWatcher = new DiskWatcher((changes) => void indexer.filesChanged(changes, uriToDiskPath));
    for (const f of folders) diskWatcher.watch(f, true);
  };
  if (canWatch) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] }).catch(watchDisk);
  } else {
    watchDisk();
  }
  if (canFollowFolders) {
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const removed = e.removed.map((f) => uriToDiskPath(f.uri)).filter((p): p is string => !!p);
      const added = e.added.map((f) => uriToDiskPath(f.uri)).filter((p): p is string => !!p);
      for (const f of removed) diskWatcher?.unwatch(f);
      for (const f of added) diskWatcher?.watch(f, true);
      void indexer.removeFolders(removed);
      void indexer.addFolders(added);
    });
  }
  void indexer.addFolders(folders).finally(initialIndexed);
});

/**
 * Settings as a client sends them: the `mailLogLens` section, or its contents. Clients without
 * `workspace/configuration` pass them in initializationOptions and didChangeConfiguration.
 */
function applySettings(raw: unknown, announce: boolean): void {
  const section = raw && typeof raw === 'object' && 'mailLogLens' in raw ? (raw as { mailLogLens: unknown }).mailLogLens : raw;
  settings = readSettings(section);
  index.setOptions({ windowSeconds: settings.correlationWindowSeconds, defaultYear: settings.spamdykeYear ?? undefined });
  if (!announce) return;
  publishDiagnostics();
  refreshInlayHints();
}

async function refreshSettings(): Promise<void> {
  if (!canConfigure) return;
  applySettings(await connection.workspace.getConfiguration('mailLogLens').catch(() => undefined), true);
}

connection.onDidChangeConfiguration((params) => {
  if (canConfigure) void refreshSettings();
  else if (params.settings && typeof params.settings === 'object' && 'mailLogLens' in params.settings) applySettings(params.settings, true);
});

// TextDocuments reports the opened text as a change too, right after the open. That one is
// skipped by remembering the open, not by the version: clients count versions from 0 (Neovim,
// Helix, Emacs) or from 1 (VS Code).
const justOpened = new Set<string>();
documents.onDidOpen((e) => {
  justOpened.add(e.document.uri);
  const p = uriToPath(e.document.uri);
  if (!p) return;
  openDocuments.opened(p, e.document.uri);
  if (!isDiskPath(p)) {
    // Only in the editor (say, log text pasted into an untitled buffer): its text is all there is.
    indexer.documentEdited(p, () => e.document.getText());
    return;
  }
  // A log from outside the workspace brings the logs beside it: follow that folder too.
  diskWatcher?.watch(path.dirname(p), false);
  void indexer.documentOpened(p);
});
documents.onDidChangeContent((e) => {
  const p = uriToPath(e.document.uri);
  if (justOpened.delete(e.document.uri) || !p) return;
  indexer.documentEdited(p, () => e.document.getText());
});
documents.onDidClose((e) => {
  justOpened.delete(e.document.uri);
  const p = uriToPath(e.document.uri);
  if (!p) return;
  openDocuments.closed(p);
  indexer.documentClosed(p);
});
connection.onDidChangeWatchedFiles((e) => void indexer.filesChanged(e.changes, uriToDiskPath));

connection.onHover((params) => whenReady(params.textDocument.uri, () => hover(index.snapshot(), reader, params, markdownHovers)));
connection.onRequest(MESSAGES_REQUEST, (params: unknown) => whenReady(undefined, () => listMessages(index.snapshot(), reader, params)));
connection.onReferences((params) => whenReady(params.textDocument.uri, () => references(index.snapshot(), reader, params)));
connection.onDefinition((params) => whenReady(params.textDocument.uri, () => definition(index.snapshot(), reader, params)));
connection.onDocumentHighlight((params) => whenReady(params.textDocument.uri, () => documentHighlight(index.snapshot(), reader, params)));
connection.onDocumentSymbol((params) => whenReady(params.textDocument.uri, () => documentSymbols(index.snapshot(), reader, params)));
connection.onFoldingRanges((params) => whenReady(params.textDocument.uri, () => foldingRanges(index.snapshot(), params)));
connection.onWorkspaceSymbol((params) => whenReady(undefined, () => workspaceSymbols(index.snapshot(), reader, params)));
connection.languages.semanticTokens.on((params) => whenReady(params.textDocument.uri, () => semanticTokensFull(index.snapshot(), reader, params)));
connection.languages.semanticTokens.onRange((params) => whenReady(params.textDocument.uri, () => semanticTokensRange(index.snapshot(), reader, params)));
connection.languages.inlayHint.on((params) => whenReady(params.textDocument.uri, () => settings.inlayHints ? inlayHints(index.snapshot(), reader, params) : []));

// Diagnostics depend on a file's own lines only: they are published when a file's parse changes.
const publishDiagnostics = () => diagnostics.publish(index.snapshot(), settings.diagnostics);
indexer.setOnIndexed(() => {
  publishDiagnostics();
  refreshInlayHints();
});

// Only a client that announced refreshSupport may be sent the request (Neovim answers others
// with MethodNotFound); the rest ask for hints again on their own.
function refreshInlayHints(): void {
  if (canRefreshInlayHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
}

connection.onShutdown(() => diskWatcher?.dispose());

documents.listen(connection);
connection.listen();
