// Wiring only: LSP requests and notifications to the indexer and the features.
import {
  createConnection, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, InitializeParams,
  InitializeResult, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LogIndex } from './core/logIndex';
import { WorkspaceIndexer } from './indexer';
import { LineReader } from './features/lineText';
import { uriToPath } from './features/locations';
import { references } from './features/references';
import { definition } from './features/definition';
import { Settings, readSettings, includeFilter, DEFAULT_SETTINGS } from './settings';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let settings: Settings = DEFAULT_SETTINGS;
const index = new LogIndex({ windowSeconds: settings.correlationWindowSeconds, defaultYear: settings.spamdykeYear ?? undefined });
const indexer = new WorkspaceIndexer(connection, index, (p) => includeFilter(settings)(p));
const openLines = new Map<string, { version: number; lines: string[] }>();
const reader = new LineReader({
  lines(p) {
    const doc = documents.get(pathUri.get(p) ?? '');
    if (!doc) return undefined;
    const cached = openLines.get(p);
    if (cached && cached.version === doc.version) return cached.lines;
    const lines = doc.getText().split(/\r?\n/);
    openLines.set(p, { version: doc.version, lines });
    return lines;
  },
});
const pathUri = new Map<string, string>();
let canConfigure = false;
let canWatch = false;
let folders: string[] = [];

connection.onInitialize((params: InitializeParams): InitializeResult => {
  canConfigure = !!params.capabilities.workspace?.configuration;
  canWatch = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  if (params.initializationOptions) settings = { ...settings, ...params.initializationOptions };
  folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
  if (!folders.length && params.rootUri) {
    const root = uriToPath(params.rootUri);
    if (root) folders.push(root);
  }
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      referencesProvider: true,
      definitionProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'mail-log-lens', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  if (canConfigure) {
    void connection.client.register(DidChangeConfigurationNotification.type, undefined);
    await refreshSettings();
  }
  if (canWatch) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
  }
  connection.workspace.onDidChangeWorkspaceFolders((e) => {
    void indexer.removeFolders(e.removed.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p));
    void indexer.addFolders(e.added.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p));
  });
  void indexer.addFolders(folders);
});

async function refreshSettings(): Promise<void> {
  if (!canConfigure) return;
  const raw = await connection.workspace.getConfiguration('mailLogLens').catch(() => undefined);
  settings = readSettings(raw);
  index.setOptions({ windowSeconds: settings.correlationWindowSeconds, defaultYear: settings.spamdykeYear ?? undefined });
}

connection.onDidChangeConfiguration(() => void refreshSettings());

documents.onDidOpen((e) => {
  const p = uriToPath(e.document.uri);
  if (!p) return;
  pathUri.set(p, e.document.uri);
  void indexer.documentOpened(p);
});
documents.onDidChangeContent((e) => {
  const p = uriToPath(e.document.uri);
  if (!p || e.document.version <= 1) return;
  indexer.documentEdited(p, () => e.document.getText());
});
documents.onDidClose((e) => {
  const p = uriToPath(e.document.uri);
  if (!p) return;
  pathUri.delete(p);
  openLines.delete(p);
  indexer.documentClosed(p);
});
connection.onDidChangeWatchedFiles((e) => void indexer.filesChanged(e.changes, uriToPath));

connection.onReferences((params) => references(index.snapshot(), reader, params));
connection.onDefinition((params) => definition(index.snapshot(), reader, params));

documents.listen(connection);
connection.listen();
