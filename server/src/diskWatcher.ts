// Watches folders on disk for clients that cannot report file changes themselves (no dynamic
// registration of didChangeWatchedFiles), so that appended, replaced and deleted logs are
// indexed again whatever editor runs the server.
import * as fs from 'fs';
import * as path from 'path';
import { FileChangeType, FileEvent } from 'vscode-languageserver/node';
import { pathToUri } from './features/locations';

/**
 * A log being written to changes many times a second: its changes within this time make one
 * event. The first change starts the wait and later ones join it; a wait restarted by every
 * change would never end while the log is being written.
 */
const SETTLE_MS = 300;

export class DiskWatcher {
  private readonly watchers = new Map<string, { watcher: fs.FSWatcher; recursive: boolean }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly onChanges: (changes: FileEvent[]) => void) {}

  /** Watches a folder (and, if recursive, the folders under it); a folder already covered is skipped. */
  watch(folder: string, recursive: boolean): void {
    if (this.covers(folder)) return;
    try {
      const watcher = fs.watch(folder, { recursive, persistent: false }, (_event, name) => {
        if (name) this.touched(path.join(folder, name.toString()));
      });
      watcher.on('error', () => this.unwatch(folder));
      this.watchers.set(folder, { watcher, recursive });
    } catch {
      // Unreadable, gone, or no file watching on this system: that folder is not followed.
    }
  }

  unwatch(folder: string): void {
    this.watchers.get(folder)?.watcher.close();
    this.watchers.delete(folder);
  }

  dispose(): void {
    for (const folder of [...this.watchers.keys()]) this.unwatch(folder);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private covers(folder: string): boolean {
    for (const [watched, { recursive }] of this.watchers) {
      if (folder === watched || (recursive && folder.startsWith(watched + path.sep))) return true;
    }
    return false;
  }

  private touched(file: string): void {
    if (this.timers.has(file)) return;
    this.timers.set(file, setTimeout(() => {
      this.timers.delete(file);
      const type = fs.existsSync(file) ? FileChangeType.Changed : FileChangeType.Deleted;
      this.onChanges([{ uri: pathToUri(file), type }]);
    }, SETTLE_MS));
  }
}
