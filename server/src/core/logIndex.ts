// The index over all logs. It owns the parse result of every file (from disk, or from an
// editor's unsaved text) and hands out immutable snapshots; correlation reruns only when a
// file changed, and only that file is parsed again.
import * as fs from 'fs';
import * as path from 'path';
import { Interner } from './columns';
import { LogFormat } from './entry';
import { correlate, CorrelationOptions } from './correlate';
import { detectFormat, portFromFileName } from './detect';
import { parseLogText, readLogFile, ReadOptions, sniffFile, SNIFF_BYTES } from './readLog';
import { ParsedLogFile } from './model';
import { scanFiles, ScanOptions } from './parallelScan';
import { IndexedFile, Snapshot } from './snapshot';

export interface IndexOptions extends CorrelationOptions {
  /** Path filter applied while walking folders (not to files named explicitly). */
  include?: (filePath: string) => boolean;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.vscode-test', 'out']);

export class LogIndex {
  private readonly disk = new Map<string, IndexedFile>();
  private readonly editor = new Map<string, IndexedFile>();
  private nextId = 1;
  private version = 0;
  private current: Snapshot | undefined;
  private readonly strings = new Interner();

  constructor(private options: IndexOptions = {}) {}

  setOptions(options: IndexOptions): void {
    this.options = options;
    this.current = undefined;
  }

  /** Parses a file from disk if its content is one of the three formats; removes it otherwise. */
  async indexFile(filePath: string, read: ReadOptions = {}): Promise<IndexedFile | undefined> {
    const format = await sniffFile(filePath);
    if (!format) {
      this.removeFile(filePath);
      return undefined;
    }
    return this.indexFileAs(filePath, format, read);
  }

  async indexFileAs(filePath: string, format: LogFormat, read: ReadOptions = {}): Promise<IndexedFile> {
    const file = this.entry(filePath, format, await readLogFile(filePath, format, this.strings, read), 'disk');
    this.disk.set(filePath, file);
    this.changed();
    return file;
  }

  /**
   * Parses many files from disk at once, with `workers` extra threads running
   * `workerScript` (the bundled scan worker); 0 workers scans them all here.
   */
  async indexFilesAs(list: Array<{ path: string; format: LogFormat }>, workers: number, workerScript: string, read: ScanOptions = {}): Promise<void> {
    const jobs = await Promise.all(list.map(async (f) => ({ ...f, bytes: (await fs.promises.stat(f.path)).size })));
    const scanned = await scanFiles(jobs, this.strings, workers, workerScript, read);
    scanned.forEach(({ path: filePath, parsed }, i) => this.disk.set(filePath, this.entry(filePath, list[i].format, parsed, 'disk')));
    this.changed();
  }

  private entry(filePath: string, format: LogFormat, parsed: ParsedLogFile, source: IndexedFile['source']): IndexedFile {
    return { id: this.nextId++, path: filePath, format, port: format === 'smtp' ? portFromFileName(filePath) : undefined, parsed, source };
  }

  /** Unsaved editor text takes the place of the file on disk until closeEditor. */
  setEditorText(filePath: string, text: string, format?: LogFormat): IndexedFile | undefined {
    const fmt = format ?? detectFormat(text.slice(0, SNIFF_BYTES));
    if (!fmt) {
      if (this.editor.delete(filePath)) this.changed();
      return undefined;
    }
    const file = this.entry(filePath, fmt, parseLogText(text, fmt, this.strings), 'editor');
    this.editor.set(filePath, file);
    this.changed();
    return file;
  }

  closeEditor(filePath: string): void {
    if (this.editor.delete(filePath)) this.changed();
  }

  removeFile(filePath: string): void {
    const a = this.disk.delete(filePath);
    const b = this.editor.delete(filePath);
    if (a || b) this.changed();
  }

  /** Removes every file under a folder (a workspace folder that was closed). */
  removeFolder(folder: string): void {
    const prefix = folder.endsWith(path.sep) ? folder : folder + path.sep;
    for (const p of [...this.disk.keys(), ...this.editor.keys()]) if (p.startsWith(prefix)) this.removeFile(p);
  }

  has(filePath: string): boolean {
    return this.disk.has(filePath) || this.editor.has(filePath);
  }


  snapshot(): Snapshot {
    if (!this.current) {
      const files: IndexedFile[] = [];
      for (const [p, f] of this.disk) files.push(this.editor.get(p) ?? f);
      for (const [p, f] of this.editor) if (!this.disk.has(p)) files.push(f);
      files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const correlation = correlate(files, this.strings, this.options);
      this.current = new Snapshot(this.version, files, correlation);
    }
    return this.current;
  }

  private changed(): void {
    this.version++;
    this.current = undefined;
  }
}

/** Files under the given folders (or the files themselves) whose content is a mail log. */
export async function findLogFiles(roots: string[], include?: (p: string) => boolean, maxFiles = 10000): Promise<Array<{ path: string; format: LogFormat }>> {
  const found: Array<{ path: string; format: LogFormat }> = [];
  // Symbolic links can lead back up the tree or to a file seen already: each folder and file is
  // visited once, under the first path that reaches it.
  const seen = new Set<string>();
  const visit = async (p: string, depth: number, explicit: boolean): Promise<void> => {
    if (found.length >= maxFiles) return;
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(p);
    } catch {
      return;
    }
    // Some file systems report no inode numbers (0): there nothing is skipped.
    if (st.ino) {
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    if (st.isDirectory()) {
      if (depth > 12 || (!explicit && SKIP_DIRS.has(path.basename(p)))) return;
      let names: string[];
      try {
        names = (await fs.promises.readdir(p)).sort();
      } catch {
        return;
      }
      for (const n of names) await visit(path.join(p, n), depth + 1, false);
    } else if (st.isFile() && st.size > 0 && (explicit || !include || include(p))) {
      const format = await sniffFile(p);
      if (format) found.push({ path: p, format });
    }
  };
  for (const r of roots) await visit(path.resolve(r), 0, true);
  return found;
}
