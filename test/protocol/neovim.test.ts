// Neovim's own LSP client against the built server, set up by the README's init.lua block: a
// client this project did not write, with its own habits (versions from 0, settings only through
// didChangeConfiguration, no inlay-hint refresh, its own progress bookkeeping). Skipped when
// `nvim` is not installed; .ci/run installs Debian's neovim.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SERVER } from './lspClient';

const REPO = path.resolve(__dirname, '../../..');
const FORMATS = path.join(REPO, 'test/fixtures/formats');
const CLIENT_SCRIPT = path.join(REPO, 'test/protocol/neovim/client.lua');
const NEW_LINE = 'Mar  9 13:00:00 server spamdyke[4242]: DENIED_GRAYLISTED from: x@elsewhere.example.net to: recipient@example.com origin_ip: 203.0.113.7 origin_rdns: (unknown) auth: (unknown) encryption: (none) reason: (empty)';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const skip = nvim.status === 0 ? false : 'nvim is not installed (apt-get install neovim)';

interface Location { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }
interface Answer<T> { result?: T; error?: unknown }
interface NeovimReport {
  errors: string[];
  logs: string[];
  indexed: boolean;
  progressTitles: string[];
  definition: Answer<Location[]>;
  references: Answer<Location[]>;
  hover: Answer<{ contents: { kind: string; value: string } }>;
  hoverAfterEdit: Answer<{ contents: { kind: string; value: string } }>;
  symbols: Answer<Array<{ name: string; location: Location }>>;
  diagnosticLines: number[];
  diagnosticLinesAfterEdit: number[];
  clientId: number;
  clientsOfSecondLog: number[];
  activeClients: number;
  serverGone: boolean;
  serverProcessGone: boolean;
}

/** The README's Neovim block, with the path of the built server filled in. */
function readmeSetup(): string {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const block = /```lua\n(-- in init\.lua[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no ```lua block starting with "-- in init.lua"');
  const placeholder = '/path/to/mail-log-lens/server/out/server.js';
  if (!block[1].includes(placeholder)) throw new Error(`the README block no longer names ${placeholder}`);
  return block[1].replace(placeholder, SERVER.replace(/\\/g, '/'));
}

let dir = '';
let report: NeovimReport;

before(() => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-neovim-'));
  for (const f of fs.readdirSync(FORMATS)) fs.copyFileSync(path.join(FORMATS, f), path.join(dir, f));
  const out = path.join(dir, 'report.json.out');
  const setup = path.join(dir, 'init.lua.out');
  fs.writeFileSync(setup, readmeSetup());
  execFileSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${CLIENT_SCRIPT}`], {
    env: { ...process.env, MLL_ROOT: dir, MLL_SETUP: setup, MLL_OUT: out, MLL_NEW_LINE: NEW_LINE },
    timeout: 90_000,
    stdio: 'ignore',
  });
  report = JSON.parse(fs.readFileSync(out, 'utf8'));
});
after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const file = (l: Location) => path.basename(decodeURIComponent(new URL(l.uri).pathname));

test('the README setup starts one server for the folder, and Neovim sees its indexing progress end', { skip }, () => {
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.clientsOfSecondLog, [report.clientId]);
  assert.equal(report.activeClients, 1);
  assert.equal(report.indexed, true);
  assert.ok(report.progressTitles.some((t) => /index/i.test(t)), report.progressTitles.join(', '));
});

test('definition from the ALLOWED line: the SMTP transaction and the delivery group', { skip }, () => {
  const targets = (report.definition.result ?? []).map((l) => `${file(l)}:${l.range.start.line}-${l.range.end.line}`).sort();
  assert.deepEqual(targets, ['delivery.log:0-2', 'smtp_25.log:5-11']);
});

test('references: the eleven lines of the message in three files, the spamdyke line included', { skip }, () => {
  const refs = report.references.result ?? [];
  assert.equal(refs.length, 11);
  assert.deepEqual([...new Set(refs.map(file))].sort(), ['delivery.log', 'smtp_25.log', 'spamdyke.log']);
  assert.ok(refs.some((l) => file(l) === 'spamdyke.log' && l.range.start.line === 1));
});

test('hover is markdown and explains the verdict', { skip }, () => {
  assert.equal(report.hover.result?.contents.kind, 'markdown');
  assert.match(report.hover.result!.contents.value, /reverse DNS/);
});

test('workspace symbols find the message by its qp number, at its first line', { skip }, () => {
  const found = report.symbols.result ?? [];
  assert.equal(found.length, 1);
  assert.match(found[0].name, /correspondent@elsewhere\.example\.net → recipient@example\.com · delivered/);
  assert.equal(`${file(found[0].location)}:${found[0].location.range.start.line}`, 'smtp_25.log:5');
});

test("settings sent with didChangeConfiguration take effect: 'refusals' puts the DENIED line in the diagnostics", { skip }, () => {
  assert.deepEqual(report.diagnosticLines, [0]);
});

test('an unsaved edit counts from the first change, and the new line is parsed and explained', { skip }, () => {
  assert.deepEqual(report.diagnosticLinesAfterEdit, [0, 2]);
  assert.match(report.hoverAfterEdit.result?.contents.value ?? '', /[Gg]raylist/);
});

test('the server logs no error, and its process ends when Neovim stops the client', { skip }, () => {
  assert.ok(!report.logs.some((l) => /error|exception/i.test(l)), report.logs.join('\n'));
  assert.equal(report.serverGone, true);
  assert.equal(report.serverProcessGone, true);
});
