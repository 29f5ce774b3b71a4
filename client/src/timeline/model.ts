// The shapes of the `mailLogs/messages` request (docs/protocol.md) as the client sees them.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export const MESSAGES_REQUEST = 'mailLogs/messages';
export const LOG_LANGUAGE_IDS = ['qmail-smtp-log', 'qmail-delivery-log', 'spamdyke-log'];

export type Outcome = 'delivered' | 'deferred-delivered' | 'failed' | 'pending' | 'rejected-spamdyke' | 'rejected-smtp' | 'no-envelope';
export const OUTCOMES: Outcome[] = ['delivered', 'deferred-delivered', 'failed', 'rejected-spamdyke', 'rejected-smtp', 'pending', 'no-envelope'];

export interface LineRange { start: { line: number; character: number }; end: { line: number; character: number } }
export interface MessageEvent { time: string; kind: string; uri: string; range: LineRange; text: string; summary: string }
export interface TimelineMessage {
  id: string; time: string; sender: string | null; recipients: string[]; outcome: Outcome; deferred: boolean;
  ambiguous?: string[]; lineCount: number; events?: MessageEvent[];
}
export interface MessagesFilter { text?: string; outcomes?: Outcome[]; from?: string; to?: string; uri?: string }
export interface MessagesParams {
  filter?: MessagesFilter; order?: 'oldest' | 'newest'; offset?: number; limit?: number; events?: boolean;
  ids?: string[]; at?: { uri: string; line: number }; facets?: boolean;
}
export interface MessagesResult {
  messages: TimelineMessage[]; total: number; version: number; utcOffsetSeconds?: number; position?: number;
  counts?: Partial<Record<Outcome, number>>; days?: Array<{ day: string; count: number }>;
}

export function requestMessages(client: LanguageClient, params: MessagesParams, token?: vscode.CancellationToken): Promise<MessagesResult> {
  return client.sendRequest<MessagesResult>(MESSAGES_REQUEST, params, token);
}

export const OUTCOME_TEXT: Record<Outcome, string> = {
  'delivered': 'Delivered',
  'deferred-delivered': 'Deferred, then delivered',
  'failed': 'Failed',
  'rejected-spamdyke': 'Rejected by spamdyke',
  'rejected-smtp': 'Rejected by qmail/chkuser',
  'pending': 'Still pending at the end of the log',
  'no-envelope': 'Connection without a message',
};

const OUTCOME_ICON: Record<Outcome, [string, string]> = {
  'delivered': ['pass-filled', 'testing.iconPassed'],
  'deferred-delivered': ['history', 'charts.yellow'],
  'failed': ['error', 'testing.iconFailed'],
  'rejected-spamdyke': ['shield', 'charts.orange'],
  'rejected-smtp': ['circle-slash', 'charts.red'],
  'pending': ['clock', 'charts.blue'],
  'no-envelope': ['debug-disconnect', 'disabledForeground'],
};

export function outcomeIcon(o: Outcome): vscode.ThemeIcon {
  const [icon, color] = OUTCOME_ICON[o];
  return new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}

/** Codicon names for the status bar, same meaning as the tree's icons. */
export const OUTCOME_CODICON: Record<Outcome, string> = Object.fromEntries(OUTCOMES.map((o) => [o, OUTCOME_ICON[o][0]])) as Record<Outcome, string>;

export function senderLabel(s: string | null): string {
  return s === null ? '(unknown sender)' : s === '' ? '<>' : s;
}

export function recipientsLabel(r: string[]): string {
  if (!r.length) return '(no recipient)';
  return r.length > 2 ? `${r.slice(0, 2).join(', ')} +${r.length - 2}` : r.join(', ');
}

/** `2021-03-09 12:43:51` of an ISO time with offset. */
export function shortTime(iso: string): string {
  return iso ? iso.slice(0, 19).replace('T', ' ') : '(no time)';
}

export function basename(uri: string): string {
  return decodeURIComponent(uri.replace(/^.*[\\/]/, ''));
}
