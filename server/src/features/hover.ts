import { Hover, HoverParams } from 'vscode-languageserver';
import { Snapshot } from '../core/snapshot';
import { LineReader } from './lineText';

/** Placeholder until the hover feature lands: answers nothing. */
export function hover(_snap: Snapshot, _reader: LineReader, _params: HoverParams): Hover | null {
  return null;
}
