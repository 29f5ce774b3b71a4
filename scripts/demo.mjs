// `npm run demo`: builds the extension and opens VS Code with it on the bundled sample logs.
// With a desktop VS Code on the PATH (`code`), that one is used; otherwise a real VS Code in the
// browser (code-server, installed from the npm registry by ../shared/vscode-web) is started and
// its address printed: open it in any browser. Ctrl-C stops it.
//   node scripts/demo.mjs [--folder DIR] [--port N]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const folder = path.resolve(opt('--folder', path.join(root, 'samples')));

execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--only-product'], { stdio: 'inherit' });

const hasCode = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).status === 0;
if (hasCode && !args.includes('--web')) {
  console.log(`Opening VS Code with Mail Log Lens on ${folder}`);
  spawn('code', ['--extensionDevelopmentPath', root, folder], { stdio: 'inherit', detached: true }).unref();
} else {
  const tools = process.env.VSCODE_WEB_TOOLS || path.resolve(root, '../shared/vscode-web');
  if (!fs.existsSync(path.join(tools, 'run.mjs'))) {
    console.error(`No desktop VS Code (\`code\`) on the PATH and no ${tools}/run.mjs: install VS Code, or set VSCODE_WEB_TOOLS.`);
    process.exit(1);
  }
  execFileSync('bash', [path.join(tools, 'install')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const port = opt('--port', '8080');
  console.log(`Starting VS Code (browser build) with Mail Log Lens on ${folder}…`);
  spawn(process.execPath, [path.join(tools, 'run.mjs'), '--extension', root, '--folder', folder, '--serve', '--port', port], { stdio: 'inherit' });
}
