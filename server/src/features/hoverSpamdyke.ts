// Hovers on spamdyke lines: the verdict, each labelled field and its value, the pid.
import { Field, FieldName } from '../core/entry';
import { explainServerText, explainSpamdykeField, explainSpamdykeVerdict } from '../knowledge';
import { addressBlocks } from './hoverContext';
import { escapeMarkdown, explanationBlocks, labelled, lineLink } from './hoverMarkdown';
import { ipAnswerBlocks } from './hoverSmtp';
import { HoverAnswer, HoverTarget, answerFor, fieldValue } from './hoverTarget';

const LABELLED_FIELDS = new Set<FieldName>(['from', 'to', 'origin_ip', 'origin_rdns', 'auth', 'encryption', 'reason']);

export function explainSpamdykeFieldAt(t: HoverTarget): HoverAnswer | undefined {
  if (t.field.name === 'verdict') return verdictAnswer(t);
  if (t.field.name === 'pid') return pidAnswer(t);
  if (t.field.name === 'host') return answerFor(t, [labelled('Host:', `${fieldValue(t)} is the name of the server that wrote this log line.`)]);
  if (t.field.name === 'text') return verdictAnswer(t);
  const value = t.field.name === 'label' ? valueAfterLabel(t) : LABELLED_FIELDS.has(t.field.name) ? t.field : undefined;
  return value ? labelledFieldAnswer(t, value) : undefined;
}

function valueAfterLabel(t: HoverTarget): Field | undefined {
  const k = t.entry.fields.indexOf(t.field);
  const next = t.entry.fields[k + 1];
  return next && LABELLED_FIELDS.has(next.name) ? next : undefined;
}

function verdictAnswer(t: HoverTarget): HoverAnswer {
  const verdict = t.entry.kind;
  const e = explainSpamdykeVerdict(verdict);
  const blocks = e ? explanationBlocks(e) : [escapeMarkdown(`"${verdict}" is not a spamdyke message we know.`)];
  blocks.push(...smtpReplyForMessage(t));
  const f = t.entry.fields.find((x) => x.name === 'verdict')!;
  return { start: f.start, end: f.end, blocks };
}

/** The reply the SMTP log shows for the same message, which tells temporary from permanent. */
function smtpReplyForMessage(t: HoverTarget): string[] {
  const smtp = t.message?.smtp;
  const file = smtp && t.snap.fileById(smtp.file);
  if (!smtp || !file) return [];
  const line = smtp.queue?.line ?? (smtp.lastReplyLine >= 0 ? smtp.lastReplyLine : smtp.firstLine);
  const what = smtp.queue ? 'qmail queued the message' : smtp.lastCode ? `the SMTP log's last reply is ${smtp.lastCode}` : 'the SMTP transaction';
  return [`${labelled('For this message:', `${what}:`)} ${lineLink(file.path, line)}`];
}

function labelledFieldAnswer(t: HoverTarget, value: Field): HoverAnswer {
  const label = value.name;
  const raw = t.text.slice(value.start, value.end);
  const blocks = [labelled(`${label}:`, label === 'reason' ? raw.replace(/_/g, ' ') : raw)];
  const e = explainSpamdykeField(label, raw);
  if (e) blocks.push(...explanationBlocks(e));
  if (label === 'reason') blocks.push(...reasonCodeBlocks(raw));
  if (label === 'from') blocks.push(...addressBlocks(t.snap, raw, 'Envelope sender'));
  if (label === 'to') blocks.push(...addressBlocks(t.snap, raw, 'Envelope recipient'));
  if (label === 'origin_ip' && raw) blocks.push(...ipAnswerBlocks(t, raw, 'the client that connected'));
  const labelField = t.entry.fields[t.entry.fields.indexOf(value) - 1];
  return { start: labelField?.name === 'label' ? labelField.start : value.start, end: value.end, blocks };
}

function reasonCodeBlocks(raw: string): string[] {
  if (!/^[2-5]\d\d_/.test(raw) || /^250_ok_\d+_qp_\d+/.test(raw)) return [];
  const e = explainServerText(raw);
  return e ? explanationBlocks(e) : [];
}

function pidAnswer(t: HoverTarget): HoverAnswer {
  const pid = fieldValue(t);
  const m = t.message;
  const sameConnection = [...(m?.spamdyke ?? []), ...(m?.spamdykeDiagnostics ?? [])].filter((r) => r.line !== t.line && r.file === t.file.id)
    .sort((a, b) => a.line - b.line);
  const blocks = [labelled('spamdyke process id:', `${pid}. spamdyke runs once per SMTP connection, so lines with the same pid close together in time come from the same connection (one line per recipient). It is not qmail's queue process id (qp).`)];
  if (sameConnection.length) blocks.push(`${labelled('For this message:', 'its other spamdyke lines:')} ${sameConnection.slice(0, 8).map((r) => lineLink(t.file.path, r.line)).join(' ')}`);
  return answerFor(t, blocks);
}
