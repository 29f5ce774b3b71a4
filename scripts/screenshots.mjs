#!/usr/bin/env node
// Takes the README screenshots from a real VS Code (code-server) with this extension loaded as the
// extension under development, opened on the bundled samples folder. Not part of `npm test`.
//
// Rerun (from the repository root):
//   bash ../shared/vscode-web/install >/dev/null   # once: code-server + playwright-core + chromium
//   node scripts/build.mjs                          # the extension must be built
//   node scripts/screenshots.mjs [--only hover,peek,timeline,outline,highlighting] [--out DIR]
//
// Writes docs/images/{hover,peek,timeline,outline,highlighting}.png (1600x900 window, dark theme,
// each cropped to the area that matters). Look at the images after a change: the script checks
// that the expected widgets are present, not that the picture is pleasing.
// Environment: VSCODE_WEB_DIR (default ~/.cache/vscode-web), where `install` put code-server.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const argValue = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const outDir = path.resolve(argValue('--out') ?? path.join(repo, 'docs/images'));
const allShots = ['hover', 'peek', 'timeline', 'outline', 'highlighting'];
const wanted = argValue('--only')?.split(',') ?? allShots;
const webDir = process.env.VSCODE_WEB_DIR || path.join(os.homedir(), '.cache', 'vscode-web');
const codeServerBin = path.join(webDir, 'cs/node_modules/.bin/code-server');
const samples = path.join(repo, 'samples');
const VIEWPORT = { width: 1600, height: 900 };

for (const needed of [codeServerBin, path.join(repo, 'client/out/extension.js'), path.join(repo, 'server/out/server.js')]) {
  if (!fs.existsSync(needed)) {
    console.error(`missing ${needed}: run ../shared/vscode-web/install and node scripts/build.mjs first`);
    process.exit(2);
  }
}
fs.mkdirSync(outDir, { recursive: true });

// Settings of the throw-away profile: dark theme, no minimap (it only adds noise to a picture),
// inlay hints never shortened, quick hovers, no welcome page.
const profileSettings = {
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'editor.minimap.enabled': false,
  'editor.inlayHints.maximumLength': 0,
  'editor.hover.delay': 200,
  'editor.hover.sticky': true,
  'files.autoSave': 'off',
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  '[spamdyke-log]': { 'editor.wordWrap': 'on' },
};

function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
  });
}

async function startCodeServer() {
  const port = await freePort();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-shots-'));
  fs.mkdirSync(path.join(profile, 'data/User'), { recursive: true });
  fs.mkdirSync(path.join(profile, 'exts'), { recursive: true });
  fs.mkdirSync(path.join(profile, 'home'), { recursive: true });
  fs.writeFileSync(path.join(profile, 'data/User/settings.json'), JSON.stringify(profileSettings, null, 2));
  const home = path.join(profile, 'home');
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'), XDG_CACHE_HOME: path.join(home, '.cache') };
  const child = spawn(codeServerBin, [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', path.join(profile, 'data'), '--extensions-dir', path.join(profile, 'exts'), samples,
  ], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  child.stdout.on('data', (b) => log.push(String(b)));
  child.stderr.on('data', (b) => log.push(String(b)));
  const stop = () => {
    // The server was started in its own process group; end exactly that group.
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    fs.rmSync(profile, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not up yet */ }
    if (attempt > 160) { stop(); throw new Error('code-server did not start:\n' + log.join('')); }
    await sleep(250);
  }
  const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${repo}`]];
  const url = `${base}/?folder=${encodeURIComponent(samples)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return { url, stop, env };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Everything one screenshot needs: a fresh window on the samples folder. */
class Workbench {
  constructor(page) { this.page = page; }

  async ready() {
    await this.page.waitForSelector('.monaco-workbench .explorer-folders-view', { timeout: 90000 });
    await this.page.waitForTimeout(1500);
  }

  async command(title) {
    const { page } = this;
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(title);
    await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 10000 });
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
  }

  async open(file, line) {
    const { page } = this;
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(file);
    await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 15000 });
    await page.waitForTimeout(400);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.tabs-container .tab.active[aria-label*="${file}"]`, { timeout: 15000 });
    await page.waitForTimeout(400);
    if (line) await this.goToLine(line);
  }

  async goToLine(line) {
    const { page } = this;
    await page.keyboard.press('Control+G');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(String(line));
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(400);
  }

  /** Waits until the language server has answered for the visible editor (inlay hints drawn). */
  async inlayHints(editor = '.editor-instance') {
    await this.page.waitForFunction((sel) => {
      for (const root of document.querySelectorAll(sel)) {
        for (const el of root.querySelectorAll('.view-lines span')) {
          if (/^\s*→/.test(el.textContent ?? '') && el.children.length === 0) return true;
        }
      }
      return false;
    }, editor, { timeout: 60000 });
  }

  /** The on-screen box of the first editor token whose text is exactly `text` on line `line`. */
  async tokenBox(text, line) {
    const { page } = this;
    const lineEl = await page.evaluateHandle(({ line }) => {
      // The line numbers and the view lines share the same top offset.
      const numbers = [...document.querySelectorAll('.editor-instance .margin-view-overlays .line-numbers')];
      const number = numbers.find((n) => n.textContent?.trim() === String(line));
      if (!number) return null;
      const top = number.parentElement?.style.top;
      return [...document.querySelectorAll('.editor-instance .view-lines .view-line')].find((l) => l.style.top === top) ?? null;
    }, { line });
    const token = await lineEl.asElement()?.$(`xpath=.//span[normalize-space(text())="${text}"]`);
    if (!token) throw new Error(`no token "${text}" visible on line ${line}`);
    return token.boundingBox();
  }

  async widenSidebar(width) {
    const { page } = this;
    const sidebar = await page.$('.part.sidebar');
    const box = await sidebar.boundingBox();
    const sashes = await page.$$('.monaco-sash.vertical');
    // The sash on the sidebar's right edge.
    for (const sash of sashes) {
      const s = await sash.boundingBox();
      if (s && Math.abs(s.x + s.width / 2 - (box.x + box.width)) < 6 && s.height > 200) {
        await page.mouse.move(s.x + s.width / 2, s.y + s.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + width, s.y + s.height / 2, { steps: 12 });
        await page.mouse.up();
        await page.waitForTimeout(400);
        return;
      }
    }
    throw new Error('sidebar sash not found');
  }

  /** A clip rectangle around an element, with margins, kept inside the window. */
  async around(selector, margin) {
    const box = await (await this.page.waitForSelector(selector)).boundingBox();
    const x = Math.max(0, box.x - margin.left);
    const y = Math.max(0, box.y - margin.top);
    const right = Math.min(VIEWPORT.width, box.x + box.width + margin.right);
    const bottom = Math.min(VIEWPORT.height, box.y + box.height + margin.bottom);
    return { x, y, width: right - x, height: bottom - y };
  }

  async shoot(name, clip) {
    const file = path.join(outDir, `${name}.png`);
    await this.page.screenshot({ path: file, clip });
    const kb = Math.round(fs.statSync(file).size / 1024);
    console.log(`${name}.png: ${kb} KB`);
    if (kb >= 400) console.warn(`  ${name}.png is ${kb} KB; crop it further`);
  }
}

const shots = {
  // A refusal code in the port-25 SMTP log with its explanation.
  async hover(wb) {
    await wb.command('View: Close Primary Side Bar');
    await wb.open('smtp_25.log', 161);
    await wb.inlayHints();
    const box = await wb.tokenBox('554', 161);
    await wb.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await wb.page.waitForSelector('.monaco-hover:not(.hidden) .hover-contents', { state: 'visible', timeout: 20000 });
    await wb.page.waitForTimeout(800);
    const hoverClip = await wb.around('.monaco-hover:not(.hidden)', { left: 0, right: 100, top: 170, bottom: 170 });
    const editorLeft = (await (await wb.page.$('.editor-instance')).boundingBox()).x;
    await wb.shoot('hover', { ...hoverClip, x: editorLeft, width: hoverClip.x + hoverClip.width - editorLeft });
  },

  // Peek Definition on an ALLOWED spamdyke line: the SMTP and delivery lines of the same message.
  async peek(wb) {
    await wb.command('View: Close Primary Side Bar');
    await wb.open('spamdyke.log', 4);
    await wb.inlayHints();
    await wb.command('Peek Definition');
    await wb.page.waitForSelector('.peekview-widget .monaco-list-row', { timeout: 20000 });
    await wb.page.waitForTimeout(1500);
    const peekClip = await wb.around('.peekview-widget', { left: 0, right: 0, top: 0, bottom: 90 });
    const editorTop = (await (await wb.page.$('.part.editor')).boundingBox()).y;
    await wb.shoot('peek', { ...peekClip, y: editorTop, height: peekClip.y + peekClip.height - editorTop });
  },

  // The Message Timeline view, wide, with one delivered message expanded into its events.
  async timeline(wb) {
    await wb.page.click('.activitybar .action-item a[aria-label^="Mail Log Lens"]');
    const rows = '[id="workbench.view.extension.mailLogLens"] .monaco-list-row';
    await wb.page.waitForSelector(rows, { timeout: 30000 });
    await wb.widenSidebar(820);
    await wb.page.waitForTimeout(1500);
    const delivered = wb.page.locator(`${rows}[aria-level="1"]`).filter({ hasText: /delivered$/ }).filter({ hasNotText: /<>/ }).nth(1);
    // A click may or may not expand the row (depending on the tree's settings); make sure it ends expanded.
    for (let attempt = 0; attempt < 5; attempt++) {
      if ((await delivered.getAttribute('aria-expanded')) !== 'true') {
        await delivered.locator('.monaco-tl-twistie').click();
        await wb.page.waitForTimeout(1000);
      }
      if (await wb.page.locator(`${rows}[aria-level="2"]`).count()) break;
    }
    await wb.page.waitForSelector(`${rows}[aria-level="2"]`, { timeout: 20000 });
    await wb.page.waitForTimeout(1500);
    await wb.shoot('timeline', { x: 0, y: 0, width: 870, height: 640 });
  },

  // Outline of smtp_25.log (one symbol per message) and the outcome inlay hints at line ends.
  async outline(wb) {
    await wb.open('smtp_25.log', 14);
    await wb.inlayHints();
    await wb.command('Explorer: Focus on Outline View');
    await wb.page.waitForSelector('.outline-pane .monaco-list-row', { timeout: 30000 });
    // Fold the file list so the outline gets the whole side bar.
    await wb.page.click('.pane-header[aria-label^="Explorer Section"]').catch(() => {});
    await wb.widenSidebar(430);
    await wb.page.waitForTimeout(1000);
    await wb.shoot('outline', { x: 0, y: 0, width: VIEWPORT.width, height: 620 });
  },

  // All three formats: spamdyke.log on the left, smtp_25.log and delivery.log stacked on the right.
  async highlighting(wb) {
    await wb.command('View: Close Primary Side Bar');
    await wb.command('View: Two Rows Right Editor Layout');
    // Empty groups cannot take a Quick Open; open in the active group and move the editor on.
    await wb.open('spamdyke.log');
    await wb.open('smtp_25.log', 5);
    await wb.command('View: Move Editor into Next Group');
    await wb.open('delivery.log', 6);
    await wb.command('View: Move Editor into Next Group');
    await wb.inlayHints();
    await wb.page.waitForTimeout(1500);
    await wb.shoot('highlighting', { x: 0, y: 0, width: VIEWPORT.width, height: 700 });
  },
};

const requireFromDriver = createRequire(path.join(webDir, 'drv') + '/');
const { chromium } = requireFromDriver('playwright-core');

let failed = false;
for (const name of wanted) {
  if (!shots[name]) { console.error(`unknown screenshot ${name}; known: ${allShots.join(', ')}`); process.exit(2); }
  // A fresh server and profile per picture, so one shot's layout never leaks into the next.
  const server = await startCodeServer();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-crash-reporter', '--disable-breakpad'],
    env: server.env });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(server.url);
    const wb = new Workbench(page);
    await wb.ready();
    await shots[name](wb);
  } catch (err) {
    failed = true;
    console.error(`${name}: ${err instanceof Error ? err.stack : err}`);
  } finally {
    await browser.close();
    server.stop();
  }
}
process.exit(failed ? 1 : 0);
