// Keeps the LogIndex in step with the workspace: the initial scan (with LSP progress, yielding
// between chunks so requests are answered meanwhile), files changed on disk, unsaved edits, and
// logs opened from outside any workspace folder (the logs beside them are indexed too).
import * as path from 'path';
import { Connection, FileChangeType, FileEvent } from 'vscode-languageserver';
import { findLogFiles, LogIndex } from './core/logIndex';

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A log being written changes again before it has been read again. Its changes are coalesced:
 * one re-read per file waits at a time, and it starts no sooner than the longer of this and four
 * times what the last re-read of that file cost (reading and correlating again), so that a
 * growing log keeps the server busy for about a fifth of the time at most.
 */
const MIN_REREAD_MS = 1000;

export class WorkspaceIndexer {
  private queue: Promise<void> = Promise.resolve();
  private readonly editTimers = new Map<string, { timer: NodeJS.Timeout; text: () => string }>();
  private readonly editJobs = new Map<string, Promise<void>>();
  private readonly folderJobs = new Set<Promise<void>>();
  private readonly rereadTimers = new Map<string, NodeJS.Timeout>();
  private readonly lastReread = new Map<string, { at: number; took: number }>();
  private readonly folders = new Set<string>();
  private readonly looseFolders = new Set<string>();
  private onIndexed: (() => void) | undefined;
  busy = 0;

  constructor(private readonly connection: Connection, readonly index: LogIndex, private readonly include: (p: string) => boolean) {}

  setOnIndexed(cb: () => void): void {
    this.onIndexed = cb;
  }

  /** Runs index work one job at a time, in order. */
  private run(job: () => Promise<void>): Promise<void> {
    this.busy++;
    const next = this.queue.then(job).catch((e) => this.connection.console.error(`Mail Log Lens: indexing failed: ${e instanceof Error ? e.stack : e}`)).finally(() => {
      this.busy--;
      if (this.busy === 0) this.onIndexed?.();
    });
    this.queue = next;
    return next;
  }

  whenIdle(): Promise<void> {
    return this.queue;
  }

  addFolders(folders: string[], title = 'Indexing mail logs'): Promise<void> {
    for (const f of folders) this.folders.add(f);
    const job = this.run(async () => {
      const progress = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
      progress?.begin(title, 0, 'looking for logs', false);
      try {
        const found = await findLogFiles(folders, this.include);
        progress?.report(0, `${found.length} log file${found.length === 1 ? '' : 's'}`);
        try {
          // One worker thread scans part of the files; this thread scans the rest between requests.
          await this.index.indexFilesAs(found, found.length > 1 ? 1 : 0, path.join(__dirname, 'scanWorker.js'), { between: yieldToRequests });
        } catch (e) {
          this.connection.console.warn(`Mail Log Lens: indexing in parallel failed (${e instanceof Error ? e.message : e}); reading the files one by one`);
          for (const f of found) {
            try {
              await this.index.indexFileAs(f.path, f.format, { between: yieldToRequests });
            } catch (err) {
              this.connection.console.warn(`Mail Log Lens: cannot read ${f.path}: ${err instanceof Error ? err.message : err}`);
            }
          }
        }
        this.reportProblems();
      } finally {
        progress?.done();
      }
    });
    this.folderJobs.add(job);
    void job.finally(() => this.folderJobs.delete(job));
    return job;
  }

  removeFolders(folders: string[]): Promise<void> {
    return this.run(async () => {
      for (const f of folders) {
        this.folders.delete(f);
        this.index.removeFolder(f);
      }
    });
  }

  /** A log opened from outside the workspace: index it and the logs beside it. */
  documentOpened(filePath: string): Promise<void> {
    const dir = path.dirname(filePath);
    if (this.index.has(filePath) || this.isInFolders(filePath) || this.looseFolders.has(dir)) return Promise.resolve();
    this.looseFolders.add(dir);
    return this.addFolders([dir], 'Indexing the logs beside the opened file');
  }

  private isInFolders(filePath: string): boolean {
    for (const f of this.folders) if (filePath === f || filePath.startsWith(f + path.sep)) return true;
    return false;
  }

  documentEdited(filePath: string, text: () => string): void {
    clearTimeout(this.editTimers.get(filePath)?.timer);
    const timer = setTimeout(() => void this.applyEdit(filePath), 300);
    this.editTimers.set(filePath, { timer, text });
  }

  private applyEdit(filePath: string): Promise<void> {
    const pending = this.editTimers.get(filePath);
    if (!pending) return this.editJobs.get(filePath) ?? Promise.resolve();
    clearTimeout(pending.timer);
    this.editTimers.delete(filePath);
    const job = this.run(async () => {
      const known = this.index.has(filePath) ? this.index.snapshot().file(filePath)?.format : undefined;
      this.index.setEditorText(filePath, pending.text(), known);
    }).finally(() => {
      if (this.editJobs.get(filePath) === job) this.editJobs.delete(filePath);
    });
    this.editJobs.set(filePath, job);
    return job;
  }

  /**
   * Resolves when a request about the file can be answered from an index that holds it: the
   * indexing of folders under way is done, and the file's unsaved edits (if any) are parsed, at
   * once rather than after the pause that coalesces keystrokes.
   */
  whenCurrent(filePath: string | undefined): Promise<void> {
    const waits = [...this.folderJobs];
    if (filePath) waits.push(this.applyEdit(filePath));
    return Promise.all(waits).then(() => undefined);
  }

  /** Whether whenCurrent would resolve at once. */
  isCurrent(filePath: string | undefined): boolean {
    return this.folderJobs.size === 0 && (!filePath || (!this.editTimers.has(filePath) && !this.editJobs.has(filePath)));
  }

  documentClosed(filePath: string): void {
    clearTimeout(this.editTimers.get(filePath)?.timer);
    this.editTimers.delete(filePath);
    void this.run(async () => this.index.closeEditor(filePath));
  }

  filesChanged(changes: FileEvent[], toPath: (uri: string) => string | undefined): Promise<void> {
    const reread: string[] = [];
    const done = this.run(async () => {
      for (const c of changes) {
        const p = toPath(c.uri);
        if (!p || !(this.isInFolders(p) || this.looseFolders.has(path.dirname(p)))) continue;
        if (c.type === FileChangeType.Deleted) {
          clearTimeout(this.rereadTimers.get(p));
          this.rereadTimers.delete(p);
          this.index.removeFile(p);
          this.index.removeFolder(p);
        } else if (this.include(p) || this.index.has(p)) {
          reread.push(p);
        }
      }
    });
    return done.then(() => Promise.all(reread.map((p) => this.rereadSoon(p)))).then(() => undefined);
  }

  /** Reads a changed file again, coalescing changes that come faster than that (MIN_REREAD_MS). */
  private rereadSoon(filePath: string): Promise<void> {
    if (this.rereadTimers.has(filePath)) return Promise.resolve();
    const last = this.lastReread.get(filePath);
    const wait = last ? Math.max(0, last.at + Math.max(MIN_REREAD_MS, 4 * last.took) - Date.now()) : 0;
    return new Promise<void>((resolve) => {
      this.rereadTimers.set(filePath, setTimeout(() => {
        // From here on, a new change waits for its own re-read: this one may have read too early.
        this.rereadTimers.delete(filePath);
        void this.run(async () => {
          const start = Date.now();
          try {
            await this.index.indexFile(filePath, { between: yieldToRequests });
            // Correlating again is part of the cost of a change (the next request would do it).
            this.index.snapshot();
            this.reportProblems();
          } finally {
            this.lastReread.set(filePath, { at: Date.now(), took: Date.now() - start });
          }
        }).then(resolve);
      }, wait));
    });
  }

  private reported = new Set<string>();

  private reportedRepeats = new Set<string>();

  /** Unparsed lines and repeated heads are reported once per file, in the server's output. */
  private reportProblems(): void {
    const snap = this.index.snapshot();
    for (const f of snap.files) {
      const r = f.repeat;
      if (r && !this.reportedRepeats.has(`${f.path}:${r.of}:${r.lines}`)) {
        this.reportedRepeats.add(`${f.path}:${r.of}:${r.lines}`);
        this.connection.console.info(`Mail Log Lens: lines 1-${r.lines} of ${f.path} are lines ${r.fromLine + 1}-${r.fromLine + r.lines} of ${r.of} (the same log downloaded twice?); their messages are counted once`);
      }
      if (!f.parsed.problems.count || this.reported.has(f.path)) continue;
      this.reported.add(f.path);
      const first = f.parsed.problems.samples.slice(0, 3).map((s) => `line ${s.line + 1} (${s.reason})`).join(', ');
      this.connection.console.warn(`Mail Log Lens: ${f.parsed.problems.count} line(s) of ${f.path} are not ${f.format} log entries and are left out of correlation; first: ${first}`);
    }
  }
}
