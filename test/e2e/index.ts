// Entry point of the end-to-end suite inside a real VS Code extension host. Same contract as
// @vscode/test-electron's extensionTestsPath: export run(): Promise<void>.
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 60000, color: false, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'e2e', mocha);
  require('./extension.e2e');
  require('./features.e2e');
  require('./timeline.e2e');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      // The plain closing line CI reads.
      console.log(`e2e: ${mocha.suite.total() - failures} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} end-to-end test(s) failed`));
      else resolve();
    });
  });
}
