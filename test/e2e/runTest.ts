// The same end-to-end suite in desktop VS Code, for contributors who can download it.
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { makeWorkspace } = await import(path.join(root, 'test/e2e/workspace.mjs'));
  const ws: string = makeWorkspace(root);
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out/test/e2e/index.js'),
    launchArgs: [ws, '--disable-extensions'],
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
