import { Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';

export const MESSAGES_REQUEST = 'mailLogs/messages';

/** Placeholder until the timeline request lands. */
export function listMessages(_snap: Snapshot, _reader: LineReader, _params: unknown): { messages: unknown[]; total: number } {
  return { messages: [], total: 0 };
}
