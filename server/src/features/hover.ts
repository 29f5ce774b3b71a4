// Hover: explains the token under the cursor in plain words (from the knowledge tables), says
// what it means for this message, and ends with a line that places it in its message.
import { Hover, HoverParams, MarkupKind } from 'vscode-languageserver';
import { Entry, Field, ParsedLine } from '../core/entry';
import { parseLine } from '../core/fileParser';
import { parseSyslogStamp } from '../core/time';
import { IndexedFile, Snapshot } from '../core/snapshot';
import { Message } from '../core/correlate';
import { explainPort } from '../knowledge';
import { addressBlocks, localTimeWords, messageLine } from './hoverContext';
import { explainDeliveryField } from './hoverDelivery';
import { escapeMarkdown, explanationBlocks, labelled, lineLink, markdownToPlainText } from './hoverMarkdown';
import { explainSmtpField } from './hoverSmtp';
import { explainSpamdykeFieldAt } from './hoverSpamdyke';
import { HoverAnswer, HoverTarget, answerFor, fieldValue } from './hoverTarget';
import { LineReader } from './lineText';
import { documentFile } from './locations';

/** `markdown`: whether the client renders markdown hovers; otherwise the same text comes as plain text. */
export function hover(snap: Snapshot, reader: LineReader, params: HoverParams, markdown = true): Hover | null {
  const file = documentFile(snap, params.textDocument.uri);
  if (!file) return null;
  const line = params.position.line;
  if (line < 0 || line >= file.parsed.lineCount) return null;
  const text = reader.line(file, line);
  const parsed = parseLine(file.format, text);
  const message = snap.messageAt(file.path, line);
  const answer = answerForLine(snap, reader, file, line, text, parsed, params.position.character, message);
  if (!answer) return null;
  const blocks = [...answer.blocks];
  if (parsed.problem) blocks.push(problemBlock(parsed.problem, parsed.entries.length > 0));
  const repeated = repeatedLineBlock(file, line);
  if (repeated) blocks.push(repeated);
  blocks.push('---', messageLine(snap, message, file, line));
  const value = blocks.join('\n\n');
  return {
    contents: markdown ? { kind: MarkupKind.Markdown, value } : { kind: MarkupKind.PlainText, value: markdownToPlainText(value) },
    range: { start: { line, character: answer.start }, end: { line, character: answer.end } },
  };
}

function answerForLine(
  snap: Snapshot, reader: LineReader, file: IndexedFile, line: number, text: string, parsed: ParsedLine, character: number,
  message: Message | undefined,
): HoverAnswer | undefined {
  const entry = parsed.entries.find((e) => character >= e.start && character <= e.end);
  if (!entry) return parsed.problem && text.trim() ? { start: 0, end: text.length, blocks: [] } : undefined;
  const field = smallestFieldAt(entry, character);
  if (!field) return undefined;
  const target: HoverTarget = { snap, reader, file, line, text, character, entry, field, message };
  return explainCommonField(target) ?? explainFormatField(target) ?? answerFor(target, [escapeMarkdown(`${field.name}: ${fieldValue(target)}`)]);
}

/** The narrowest field containing the cursor (a code inside a reply text wins over the text). */
function smallestFieldAt(entry: Entry, character: number): Field | undefined {
  let best: Field | undefined;
  for (const f of entry.fields) {
    if (character < f.start || character > f.end || f.end === f.start) continue;
    if (character === f.end && entry.fields.some((g) => g !== f && character >= g.start && character < g.end)) continue;
    if (!best || f.end - f.start < best.end - best.start) best = f;
  }
  return best;
}

function explainFormatField(t: HoverTarget): HoverAnswer | undefined {
  switch (t.file.format) {
    case 'smtp': return explainSmtpField(t);
    case 'delivery': return explainDeliveryField(t);
    case 'spamdyke': return explainSpamdykeFieldAt(t);
  }
}

function explainCommonField(t: HoverTarget): HoverAnswer | undefined {
  if (t.field.name === 'timestamp') return timestampAnswer(t);
  if (t.field.name === 'address' && t.file.format !== 'spamdyke') return answerFor(t, addressBlocks(t.snap, fieldValue(t), addressRole(t.entry.kind)));
  return undefined;
}

function addressRole(kind: string): string {
  return kind === 'from' || kind === 'init' ? 'Envelope sender' : 'Envelope recipient';
}

function timestampAnswer(t: HoverTarget): HoverAnswer {
  const local = t.file.format === 'spamdyke' ? t.snap.lineTime(t.file, t.line, t.text) : t.entry.time;
  const blocks = [labelled('Time:', localTimeWords(t.snap, t.file, local))];
  if (t.file.format === 'spamdyke') {
    const written = parseSyslogStamp(t.text, t.field.start);
    const zone = /(?:Z|[+-]\d{2}:?\d{2})$/.exec(fieldValue(t))?.[0];
    blocks.push(escapeMarkdown(written?.year
      ? `An ISO 8601 stamp (as rsyslog or journalctl -o short-iso write them): it carries its year${zone ? ` and its UTC offset, ${zone === 'Z' ? 'UTC' : zone}` : ''}; the time shown is the clock time as written.`
      : 'The classic syslog stamp has no year; it is inferred from the other logs of the download.'));
  }
  const port = t.file.port !== undefined ? explainPort(t.file.port) : undefined;
  if (port) blocks.push(...explanationBlocks(port));
  return answerFor(t, blocks);
}

/** Where a line repeats another file's (the same log downloaded twice), and which copy counts. */
function repeatedLineBlock(file: IndexedFile, line: number): string | undefined {
  const head = file.repeat, tail = file.repeatedTail;
  if (head && line < head.lines) {
    return `${labelled('Repeated line:', 'this line also stands in')} ${lineLink(head.of, head.fromLine + line)} ${escapeMarkdown('(the same log downloaded twice?). Its message is counted there once.')}`;
  }
  if (tail && line >= tail.line) {
    return `${labelled('Repeated line:', 'this download ends in the middle of this transaction, which')} ${lineLink(tail.by, tail.fromLine + line - tail.line)} ${escapeMarkdown('holds whole. Its message is counted there once.')}`;
  }
  return undefined;
}

function problemBlock(problem: string, partly: boolean): string {
  const what = partly ? 'Part of this line is not understood' : 'This line is not understood';
  return labelled(`${what}:`, `${problem}. It is left out of the correlation of messages.`);
}
