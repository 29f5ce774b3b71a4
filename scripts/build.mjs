// Bundles the extension client, the language server, the CLI, and every test and bench entry
// point with esbuild. Type checking is separate (`npm run typecheck`), so a type error in one
// corner does not stop the rest from building.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const production = process.argv.includes('--production');
const only = process.argv.includes('--only-tests') ? 'tests' : process.argv.includes('--only-product') ? 'product' : 'all';

function walk(dir, match, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, match, out);
    else if (match(p)) out.push(p);
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const builds = [];
if (only !== 'tests') {
  builds.push(
    esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', external: ['vscode'] }),
    esbuild.build({ ...common, entryPoints: { server: 'server/src/server.ts', cli: 'server/src/cli.ts', scanWorker: 'server/src/scanWorker.ts' }, outdir: 'server/out' }),
  );
}
if (only !== 'product') {
  const testEntries = [
    ...walk(path.join(root, 'test'), (p) => /\.test\.ts$/.test(p) || /[\\/]e2e[\\/](index|runTest)\.ts$/.test(p) || /[\\/]corpus[\\/]cli\.ts$/.test(p)),
    ...walk(path.join(root, 'bench'), (p) => /\.ts$/.test(p)),
  ].map((p) => path.relative(root, p));
  if (testEntries.length) {
    builds.push(esbuild.build({
      ...common, sourcemap: true, minify: false,
      entryPoints: testEntries, outdir: 'out', outbase: '.',
      external: ['vscode', 'mocha', 'vscode-textmate', 'vscode-oniguruma', '@vscode/test-electron'],
    }));
  }
}
await Promise.all(builds);
