import * as vscode from 'vscode';

/** Peeks the lines of the message at (uri, line) in the other logs, from the server's definition answer. */
export async function showRelated(uri: string | vscode.Uri, line: number): Promise<void> {
  const target = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
  const position = new vscode.Position(line, 0);
  const locations = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', target, position);
  const locs = (locations ?? []).map((l) => ('targetUri' in l ? new vscode.Location(l.targetUri, l.targetRange) : l));
  if (!locs.length) {
    void vscode.window.showInformationMessage('Mail Log Lens: no related lines in the other logs for this message.');
    return;
  }
  await vscode.commands.executeCommand('editor.action.peekLocations', target, position, locs, 'peek');
}
