#!/usr/bin/env node
// Checks the packaged extension the way a user gets it: builds the .vsix with `npm run package`,
// checks its size, installs it into a fresh code-server profile (no extension under development),
// opens samples/spamdyke.log through Quick Open and saves docs/images/installed-vsix.png.
// Exits non-zero when any step fails. Not part of `npm test`.
//
// Rerun (from the repository root):
//   bash ../shared/vscode-web/install >/dev/null   # once: code-server + playwright-core + chromium
//   node scripts/check-vsix.mjs [--skip-package] [--screenshot FILE]
// Environment: VSCODE_WEB_DIR (default ~/.cache/vscode-web), where `install` put code-server.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_VSIX_BYTES = 1024 * 1024;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const argValue = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const screenshotFile = path.resolve(argValue('--screenshot') ?? path.join(repo, 'docs/images/installed-vsix.png'));
const webDir = process.env.VSCODE_WEB_DIR || path.join(os.homedir(), '.cache', 'vscode-web');
const codeServerBin = path.join(webDir, 'cs/node_modules/.bin/code-server');
const samples = path.join(repo, 'samples');
const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const vsixFile = path.join(repo, `${manifest.name}-${manifest.version}.vsix`);
const extensionId = `${manifest.publisher}.${manifest.name}`.toLowerCase();

const fail = (message) => { console.error(`FAIL: ${message}`); process.exit(1); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (!fs.existsSync(codeServerBin)) fail(`no code-server under ${webDir}: run ../shared/vscode-web/install first`);

// 1. Package. stdin is closed so vsce's "continue? [y/N]" questions cannot hang the script.
if (!argv.includes('--skip-package')) {
  console.log('== npm run package');
  const built = spawnSync('npm', ['run', 'package'], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) fail(`npm run package exited with ${built.status}`);
}
if (!fs.existsSync(vsixFile)) fail(`${vsixFile} was not produced`);

// 2. Size.
const size = fs.statSync(vsixFile).size;
console.log(`== ${path.basename(vsixFile)}: ${size} bytes (${(size / 1024).toFixed(1)} KiB)`);
if (size > MAX_VSIX_BYTES) fail(`the .vsix is larger than ${MAX_VSIX_BYTES} bytes`);

// 3. Install into a throw-away profile.
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-vsix-'));
const home = path.join(profile, 'home');
const extensionsDir = path.join(profile, 'exts');
const userDataDir = path.join(profile, 'data');
for (const dir of [home, extensionsDir, path.join(userDataDir, 'User')]) fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(userDataDir, 'User/settings.json'), JSON.stringify({
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.minimap.enabled': false,
  'editor.inlayHints.maximumLength': 0,
  // spamdyke lines are long and the outcome hint sits at the end of the line.
  '[spamdyke-log]': { 'editor.wordWrap': 'on' },
}, null, 2));
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'),
  XDG_DATA_HOME: path.join(home, '.local/share'), XDG_CACHE_HOME: path.join(home, '.cache') };
const profileArgs = ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];

let server;
let browser;
const cleanUp = async () => {
  if (browser) await browser.close().catch(() => {});
  // The server runs in its own process group; end exactly that group.
  if (server) { try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ } }
  fs.rmSync(profile, { recursive: true, force: true });
};
process.on('SIGINT', async () => { await cleanUp(); process.exit(130); });

try {
  console.log(`== installing into ${extensionsDir}`);
  const install = spawnSync(codeServerBin, [...profileArgs, '--install-extension', vsixFile], { env, encoding: 'utf8' });
  process.stdout.write(install.stdout ?? '');
  process.stderr.write(install.stderr ?? '');
  if (install.status !== 0) throw new Error(`--install-extension exited with ${install.status}`);
  const listed = spawnSync(codeServerBin, [...profileArgs, '--list-extensions', '--show-versions'], { env, encoding: 'utf8' });
  if (!listed.stdout.toLowerCase().includes(`${extensionId}@${manifest.version}`)) {
    throw new Error(`${extensionId}@${manifest.version} is not among the installed extensions:\n${listed.stdout}`);
  }
  console.log(`installed: ${listed.stdout.trim()}`);

  // 4. Start that code-server on the samples folder: the extension comes only from the profile.
  const port = await new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
  });
  server = spawn(codeServerBin, ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ...profileArgs, samples],
  { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const serverLog = [];
  server.stdout.on('data', (b) => serverLog.push(String(b)));
  server.stderr.on('data', (b) => serverLog.push(String(b)));
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not up yet */ }
    if (attempt > 160) throw new Error('code-server did not start:\n' + serverLog.join(''));
    await sleep(250);
  }

  // 5. Open spamdyke.log the way a person does and wait for highlighting and an inlay hint.
  const { chromium } = createRequire(path.join(webDir, 'drv') + '/')('playwright-core');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-crash-reporter', '--disable-breakpad'], env });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${base}/?folder=${encodeURIComponent(samples)}`);
  await page.waitForSelector('.monaco-workbench .explorer-folders-view', { timeout: 90000 });
  await page.waitForTimeout(1500);
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type('spamdyke.log');
  await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 15000 });
  await page.waitForTimeout(400);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.tabs-container .tab.active[aria-label*="spamdyke.log"]', { timeout: 15000 });

  const language = page.locator('.statusbar-item[id="status.editor.mode"]');
  await page.waitForFunction(() => document.querySelector('[id="status.editor.mode"]')?.textContent?.includes('Spamdyke'),
    undefined, { timeout: 30000 }).catch(async () => {
    throw new Error(`spamdyke.log opened as "${(await language.textContent())?.trim()}", not as Spamdyke Log`);
  });
  // The grammar colours tokens differently within a line; plain text would give one colour per line.
  const colours = await page.waitForFunction(() => {
    const line = document.querySelector('.editor-instance .view-lines .view-line');
    if (!line) return 0;
    const seen = new Set([...line.querySelectorAll('span span')].map((s) => getComputedStyle(s).color));
    return seen.size >= 3 ? seen.size : 0;
  }, undefined, { timeout: 30000 }).then((h) => h.jsonValue())
    .catch(() => { throw new Error('no syntax highlighting in spamdyke.log'); });
  const hint = await page.waitForFunction(() => {
    for (const el of document.querySelectorAll('.editor-instance .view-lines span')) {
      const text = el.textContent ?? '';
      if (el.children.length === 0 && /^\s*→/.test(text)) return text.trim();
    }
    return '';
  }, undefined, { timeout: 60000 }).then((h) => h.jsonValue())
    .catch(() => { throw new Error('no inlay hint from the language server in spamdyke.log'); });
  console.log(`highlighting: ${colours} colours on line 1; first inlay hint: "${hint}"`);
  await page.waitForTimeout(1000);

  // 6. Screenshot of the whole window (the status bar names the language mode).
  fs.mkdirSync(path.dirname(screenshotFile), { recursive: true });
  await page.screenshot({ path: screenshotFile });
  console.log(`== screenshot: ${screenshotFile} (${Math.round(fs.statSync(screenshotFile).size / 1024)} KB)`);
  console.log('OK');
} catch (err) {
  await cleanUp();
  fail(err instanceof Error ? err.message : String(err));
}
await cleanUp();
process.exit(0);
