// A minimal LSP client for protocol tests: starts the built server with --stdio and speaks
// JSON-RPC to it over its standard input and output, as any editor would.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before } from 'node:test';
import { pathToFileURL } from 'url';
import { createMessageConnection, MessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

/** The repository root: the nearest folder up from this (bundled) file holding our package.json. */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'mail-log-lens') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no mail-log-lens package.json above ${__dirname}`);
  }
}

export const SERVER = path.join(repoRoot(), 'server/out/server.js');

export interface TestClient {
  connection: MessageConnection;
  process: ChildProcess;
  stderr: string[];
  logs: string[];
  /** The method of every request the server sent to this client, in order. */
  serverRequests: string[];
  /** The server's answer to `initialize`. */
  initializeResult: { capabilities: Record<string, unknown> };
  /** The latest textDocument/publishDiagnostics of each document URI. */
  diagnostics: Map<string, PublishedDiagnostic[]>;
  /** Resolves when every work-done progress the server started has ended. */
  indexed(): Promise<void>;
  request<R>(method: string, params: unknown): Promise<R>;
  notify(method: string, params: unknown): void;
  close(): Promise<void>;
}

export interface PublishedDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  source?: string;
  message: string;
}

export function uri(p: string): string {
  return pathToFileURL(p).href;
}

export interface StartOptions {
  initializationOptions?: unknown;
  configuration?: unknown;
  /** Client capabilities to announce instead of the usual ones (e.g. `{}` for a minimal client). */
  capabilities?: unknown;
  /** Answer `client/registerCapability` with an error, as a client may that announced it anyway. */
  refuseRegistrations?: boolean;
  /** Command-line arguments of the server; default `['--stdio']`. */
  args?: string[];
}

export async function startServer(rootFolder: string | undefined, options: StartOptions = {}): Promise<TestClient> {
  const proc = spawn(process.execPath, [SERVER, ...(options.args ?? ['--stdio'])], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  const logs: string[] = [];
  const serverRequests: string[] = [];
  proc.stderr!.on('data', (b) => stderr.push(String(b)));
  const connection = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const active = new Set<string | number>();
  let waiters: Array<() => void> = [];
  let started = false;
  const settle = () => {
    if (started && active.size === 0) {
      const w = waiters;
      waiters = [];
      w.forEach((f) => f());
    }
  };
  connection.onRequest('window/workDoneProgress/create', (p: { token: string | number }) => {
    serverRequests.push('window/workDoneProgress/create');
    active.add(p.token);
    started = true;
    return null;
  });
  connection.onNotification('$/progress', (p: { token: string | number; value: { kind: string } }) => {
    if (p.value.kind === 'end') {
      active.delete(p.token);
      settle();
    }
  });
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => {
    serverRequests.push('workspace/configuration');
    return p.items.map(() => options.configuration ?? null);
  });
  connection.onRequest('client/registerCapability', () => {
    serverRequests.push('client/registerCapability');
    return options.refuseRegistrations ? new ResponseError(-32601, 'registration refused') : null;
  });
  // Any other request, as a client that does not know it answers.
  connection.onRequest((method: string) => {
    serverRequests.push(method);
    return new ResponseError(-32601, `unhandled method ${method}`);
  });
  connection.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message));
  const diagnostics = new Map<string, PublishedDiagnostic[]>();
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: PublishedDiagnostic[] }) => diagnostics.set(p.uri, p.diagnostics));
  connection.listen();
  const folders = rootFolder ? [{ uri: uri(rootFolder), name: path.basename(rootFolder) }] : null;
  const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`the server exited (${code}) before answering initialize: ${stderr.join('')}`))));
  exited.catch(() => undefined);
  const initializeResult = await Promise.race([exited, connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
    processId: process.pid,
    rootUri: rootFolder ? uri(rootFolder) : null,
    workspaceFolders: folders,
    initializationOptions: options.initializationOptions,
    capabilities: options.capabilities ?? {
      window: { workDoneProgress: true },
      workspace: {
        configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true },
        didChangeConfiguration: { dynamicRegistration: true }, inlayHint: { refreshSupport: true },
      },
      textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] } },
    },
  })]);
  connection.sendNotification('initialized', {});
  return {
    connection,
    process: proc,
    stderr,
    logs,
    serverRequests,
    initializeResult,
    diagnostics,
    indexed: () => new Promise<void>((resolve) => {
      const check = () => {
        if (started && active.size === 0) resolve();
        else waiters.push(resolve);
      };
      // The server creates its first progress right after `initialized`; give it a moment.
      setTimeout(check, 50);
    }),
    request: <R>(method: string, params: unknown) => connection.sendRequest(method, params) as Promise<R>,
    notify: (method: string, params: unknown) => connection.sendNotification(method, params),
    close: async () => {
      try {
        await connection.sendRequest('shutdown');
        connection.sendNotification('exit');
      } catch {
        // already gone
      }
      connection.dispose();
      await new Promise<void>((resolve) => {
        if (proc.exitCode !== null) resolve();
        else {
          proc.once('exit', () => resolve());
          setTimeout(() => proc.kill(), 3000);
        }
      });
    },
  };
}

/**
 * Starts a server on `folder` before the tests of this file and closes it after them; call the
 * returned function inside a test for the client.
 */
export function serverForTests(folder: string): () => TestClient {
  let client: TestClient | undefined;
  before(async () => {
    client = await startServer(folder);
    await client.indexed();
  });
  after(async () => {
    await client?.close();
  });
  return () => client!;
}

/**
 * A temporary folder that `prepare` fills, with a server on it, for the tests of a file or of
 * the `describe` block this is called in; folder and server are gone after them.
 */
export function serverOnTempFolder(prefix: string, prepare: (dir: string) => void, options: StartOptions = {}): { readonly dir: string; readonly client: TestClient } {
  let dir: string | undefined;
  let client: TestClient | undefined;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    prepare(dir);
    client = await startServer(dir, options);
    await client.indexed();
  });
  after(async () => {
    await client?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() { return dir!; },
    get client() { return client!; },
  };
}
