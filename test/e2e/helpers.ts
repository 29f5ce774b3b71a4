// Shared by the end-to-end suites.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

/** A path inside the test workspace folder. */
export function wsPath(...parts: string[]): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return path.join(folder.uri.fsPath, ...parts);
}

/** Calls fn until it gives something other than undefined (the index builds in the background). */
export async function poll<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 60000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
