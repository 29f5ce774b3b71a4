import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { registerLanguageDetection } from './languageDetection';
import { showRelated } from './commands';
import { registerTimeline, TimelineApi } from './timeline';

let client: LanguageClient | undefined;

export const LOG_LANGUAGES = ['qmail-smtp-log', 'qmail-delivery-log', 'spamdyke-log'];

export interface MailLogLensApi {
  client: LanguageClient;
  timeline: TimelineApi;
}

export async function activate(context: vscode.ExtensionContext): Promise<MailLogLensApi> {
  registerLanguageDetection(context);
  context.subscriptions.push(vscode.commands.registerCommand('mailLogLens.showRelated', showRelated));
  const serverModule = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Files and untitled buffers only: a log's version in git or in a diff is not another log.
    documentSelector: LOG_LANGUAGES.flatMap((language) => [{ language, scheme: 'file' }, { language, scheme: 'untitled' }]),
    synchronize: { configurationSection: 'mailLogLens' },
    // VS Code colours the logs with the extension's grammars: no semantic tokens over them.
    initializationOptions: { textMateGrammars: true },
    outputChannelName: 'Mail Log Lens',
  };
  client = new LanguageClient('mailLogLens', 'Mail Log Lens', serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
  const timeline = registerTimeline(context, client);
  return { client, timeline };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
