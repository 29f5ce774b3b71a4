// `npx @vscode/vsce package`, bare, makes an installable .vsix. It runs in a copy of the sources
// (with this checkout's node_modules linked in): its production build must not replace the
// bundles that other tests are running.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');
const SOURCES = ['package.json', '.vscodeignore', 'LICENSE', 'language-configuration.json', 'tsconfig.json', 'scripts', 'client/src', 'server/src', 'syntaxes', 'media', 'docs/extension-page.md'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-vsix-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The paths inside a zip file, from its central directory. */
function zipEntries(file: string): string[] {
  const zip = fs.readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'a zip file');
  const count = zip.readUInt16LE(end + 10);
  const names: string[] = [];
  for (let at = zip.readUInt32LE(end + 16), i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28), extra = zip.readUInt16LE(at + 30), comment = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

test('a bare `vsce package` makes a .vsix with the bundles, the grammars and the extension page', { timeout: 180_000 }, () => {
  for (const s of SOURCES) fs.cpSync(path.join(ROOT, s), path.join(dir, s), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const vsce = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'package'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(vsce.status, 0, `vsce failed:\n${vsce.stdout}\n${vsce.stderr}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = path.join(dir, `${manifest.name}-${manifest.version}.vsix`);
  const entries = zipEntries(vsix);
  for (const needed of ['extension/package.json', 'extension/client/out/extension.js', 'extension/server/out/server.js', 'extension/server/out/scanWorker.js',
    'extension/syntaxes/qmail-smtp-log.tmLanguage.json', 'extension/syntaxes/qmail-delivery-log.tmLanguage.json', 'extension/syntaxes/spamdyke-log.tmLanguage.json', 'extension/readme.md']) {
    assert.ok(entries.includes(needed), `${needed} in ${entries.join(', ')}`);
  }
  assert.ok(!entries.some((e) => /\/(src|test|node_modules)\//.test(e) || e.endsWith('.map')), `no sources, tests, modules or maps: ${entries.join(', ')}`);
  assert.ok(fs.statSync(vsix).size < 1024 * 1024, 'under 1 MB');
});
