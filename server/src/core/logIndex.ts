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
import { findRepeat, mayOverlap, mayRepeat, Repeat, RepeatedTail, straddlingRecordStart, timeSpan, withoutRecordsFrom, withoutRepeatedRecords } from './repeats';

export interface IndexOptions extends CorrelationOptions {
  /** Path filter applied while walking folders (not to files named explicitly). */
  include?: (filePath: string) => boolean;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.vscode-test', 'out']);

export class LogIndex {
  private readonly disk = new Map<string, IndexedFile>();
  /** Disk files as scanned; `disk` holds them without the records of a repeat (core/repeats.ts). */
  private readonly scanned = new Map<string, ParsedLogFile>();
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
    this.setDisk(filePath, format, await readLogFile(filePath, format, this.strings, read));
    await this.findRepeats(path.dirname(filePath));
    this.changed();
    return this.disk.get(filePath)!;
  }

  private setDisk(filePath: string, format: LogFormat, parsed: ParsedLogFile): void {
    this.scanned.set(filePath, parsed);
    this.disk.set(filePath, this.entry(filePath, format, parsed, 'disk'));
  }

  /** A disk file's entry that leaves out the records of its repeated head and tail. */
  private counted(f: IndexedFile, repeat: Repeat | undefined, repeatedTail: RepeatedTail | undefined): IndexedFile {
    let parsed = this.scanned.get(f.path)!;
    if (repeat) parsed = withoutRepeatedRecords(parsed, repeat.lines);
    if (repeatedTail) parsed = withoutRecordsFrom(parsed, repeatedTail.line);
    return { ...f, parsed, repeat, repeatedTail };
  }

  /**
   * Which files of a folder start with lines of another of the same kind (two downloads of one
   * log); their records there are left to the other file. Each file repeats at most one other,
   * and never in a circle (identical files: the later path repeats the earlier).
   */
  private async findRepeats(folder: string): Promise<void> {
    const files = [...this.disk.values()].filter((f) => path.dirname(f.path) === folder).sort((a, b) => (a.path < b.path ? -1 : 1));
    const found = new Map<string, Repeat>();
    const reaches = (from: string, to: string) => {
      for (let p: string | undefined = from, n = 0; p !== undefined && n <= files.length; p = found.get(p)?.of, n++) if (p === to) return true;
      return false;
    };
    const spanList = files.map((f) => timeSpan(this.scanned.get(f.path)!));
    // Cheap tests first (kind, port, times): in a folder of many daily files almost every pair
    // ends there, without a promise per pair.
    const candidate = (n: number, o: number) => files[n].format === files[o].format && files[n].port === files[o].port && mayOverlap(spanList[n], spanList[o]);
    const tryPair = async (n: number, o: number) => {
      const newer = files[n], older = files[o];
      if (found.has(newer.path) || reaches(older.path, newer.path)) return false;
      const a = this.scanned.get(newer.path)!, b = this.scanned.get(older.path)!;
      if (!mayRepeat(a, b)) return false;
      const r = await findRepeat({ path: newer.path, parsed: a }, { path: older.path, parsed: b }).catch(() => undefined);
      if (r) found.set(newer.path, r);
      return !!r;
    };
    for (let i = 0; i < files.length; i++) {
      for (let j = i + 1; j < files.length; j++) {
        if (candidate(j, i) && (await tryPair(j, i))) continue;
        if (candidate(i, j)) await tryPair(i, j);
      }
    }
    // Where the earlier file ends inside a record that the later one holds whole, the later
    // one's record counts and the earlier one's part of it belongs to it.
    const tails = new Map<string, RepeatedTail>();
    for (const [newer, r] of found) {
      const s = straddlingRecordStart(this.scanned.get(newer)!, r.lines);
      if (s !== undefined) tails.set(r.of, { by: newer, fromLine: s, line: r.fromLine + s });
    }
    for (const f of files) {
      const head = found.get(f.path), tail = tails.get(f.path);
      if (JSON.stringify([head, tail]) !== JSON.stringify([f.repeat, f.repeatedTail])) this.disk.set(f.path, this.counted(f, head, tail));
    }
  }

  /**
   * Parses many files from disk at once, with `workers` extra threads running
   * `workerScript` (the bundled scan worker); 0 workers scans them all here.
   */
  async indexFilesAs(list: Array<{ path: string; format: LogFormat }>, workers: number, workerScript: string, read: ScanOptions = {}): Promise<void> {
    const jobs = await Promise.all(list.map(async (f) => ({ ...f, bytes: (await fs.promises.stat(f.path)).size })));
    const scanned = await scanFiles(jobs, this.strings, workers, workerScript, read);
    scanned.forEach(({ path: filePath, parsed }, i) => this.setDisk(filePath, list[i].format, parsed));
    for (const folder of new Set(list.map((f) => path.dirname(f.path)))) await this.findRepeats(folder);
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
    // A file that repeated this one's lines, or whose end this one repeated, counts those
    // records again.
    for (const f of [...this.disk.values()]) {
      if (f.path === filePath) continue;
      const head = f.repeat?.of === filePath ? undefined : f.repeat;
      const tail = f.repeatedTail?.by === filePath ? undefined : f.repeatedTail;
      if (head !== f.repeat || tail !== f.repeatedTail) this.disk.set(f.path, this.counted(f, head, tail));
    }
    this.scanned.delete(filePath);
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
