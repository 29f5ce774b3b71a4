// Hovers on SMTP log entries: reply codes with their stage, enhanced status codes, reply texts,
// the queue reply (EPOCH, qp), chkuser checks and the size.
import { Entry } from '../core/entry';
import { parseLine } from '../core/fileParser';
import {
  SmtpStage, explainChkuserVerdict, explainEnhancedStatus, explainPort, explainQp, explainRemoteSide, explainReplyCode, explainServerText,
} from '../knowledge';
import { epochWords, messagesWithIp } from './hoverContext';
import { escapeMarkdown, explanationBlocks, labelled, lineLink } from './hoverMarkdown';
import { HoverAnswer, HoverTarget, answerFor, fieldValue, valueOf } from './hoverTarget';

const STAGE_WORDS: Record<SmtpStage, string> = {
  'connect': 'the greeting', 'helo': 'HELO/EHLO', 'auth': 'AUTH', 'mail': 'MAIL FROM (the sender)',
  'rcpt': 'RCPT TO (a recipient)', 'data': 'DATA', 'end-of-data': 'the end of the message data', 'unknown': 'an unknown command',
};

// auth, helo and ehlo are not in FORMATS.md; some exports log them before `from`.
const STAGE_OF_KIND: Record<string, SmtpStage> = { auth: 'auth', helo: 'helo', ehlo: 'helo', from: 'mail', to: 'rcpt', check: 'rcpt', size: 'end-of-data' };
const MAX_LOOKBACK_LINES = 200;

export function explainSmtpField(t: HoverTarget): HoverAnswer | undefined {
  switch (t.field.name) {
    case 'code': return replyCodeAnswer(t);
    case 'enhanced': return enhancedStatusAnswer(t);
    case 'text': case 'quoted': return replyTextAnswer(t);
    case 'epoch': case 'qp': return queueReplyAnswer(t);
    case 'verdict': return chkuserVerdictAnswer(t);
    case 'remoteKind': case 'remote': return remoteSideAnswer(t);
    case 'ip': return ipAnswer(t);
    case 'reason': return chkuserVerdictAnswer(t);
    case 'size': return sizeAnswer(t);
    case 'kind': return smtpKindAnswer(t);
    default: return undefined;
  }
}

/** Which command a `resp` answers: the latest from/to/check/size before it in the transaction. */
export function replyStage(t: HoverTarget): SmtpStage {
  const before = t.text.slice(0, t.entry.start);
  const sameLine = parseLine('smtp', before).entries;
  const stage = stageOfEntries(sameLine);
  if (stage) return stage;
  const from = Math.max(0, t.line - MAX_LOOKBACK_LINES);
  const lines = t.reader.range(t.file, from, t.line);
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].trim()) break;
    const entries = parseLine('smtp', lines[i]).entries;
    const found = stageOfEntries(entries);
    if (found) return found;
  }
  return 'connect';
}

function stageOfEntries(entries: Entry[]): SmtpStage | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const stage = STAGE_OF_KIND[entries[i].kind];
    if (stage) return stage;
  }
  return undefined;
}

function replyCodeAnswer(t: HoverTarget): HoverAnswer {
  const code = fieldValue(t);
  const stage = replyStage(t);
  const e = explainReplyCode(code, stage);
  const blocks = e ? explanationBlocks(e) : [escapeMarkdown(`Reply code ${code} is not a known SMTP reply.`)];
  blocks.push(labelled('For this message:', `${code} answers ${STAGE_WORDS[stage]}. ${replyConsequence(code, stage)}`));
  return answerFor(t, blocks);
}

function replyConsequence(code: string, stage: SmtpStage): string {
  const cls = code.charAt(0);
  if (cls === '2') return stage === 'end-of-data' ? 'The message was accepted.' : 'This step was accepted; the transaction went on.';
  const what = stage === 'rcpt' ? 'this recipient' : stage === 'mail' ? 'the sender' : 'the message';
  if (cls === '4') return `The server refused ${what} for now (temporary); the sending server should retry later.`;
  if (cls === '5') return `The server refused ${what} for good (permanent); the sender gets a bounce from their own server.`;
  return 'The transaction continues with the next command.';
}

function enhancedStatusAnswer(t: HoverTarget): HoverAnswer {
  const code = fieldValue(t);
  const e = explainEnhancedStatus(code.replace(/^#/, ''));
  return answerFor(t, e ? explanationBlocks(e) : [escapeMarkdown(`${code} is not a valid enhanced status code.`)]);
}

function replyTextAnswer(t: HoverTarget): HoverAnswer {
  const reply = t.text.slice(t.entry.fields.find((f) => f.name === 'code')?.start ?? t.field.start, t.entry.end);
  const e = explainServerText(reply);
  const blocks = [labelled('Reply text:', fieldValue(t))];
  if (e) blocks.push(...explanationBlocks(e));
  else blocks.push(escapeMarkdown('This text is not one we know; the reply code says whether the refusal is temporary (4xx) or permanent (5xx).'));
  return answerFor(t, blocks);
}

function queueReplyAnswer(t: HoverTarget): HoverAnswer {
  const epoch = Number(valueOf(t, 'epoch'));
  const qp = valueOf(t, 'qp') ?? '';
  const blocks = explanationBlocks(explainQp());
  blocks.push(labelled('Queued at:', `EPOCH ${epoch} = ${epochWords(t.snap, t.file, epoch)}.`));
  blocks.push(labelled('Queue process:', `qmail-queue with process id ${qp} stored the message.`));
  const spamdyke = t.message?.spamdyke.find((r) => r.qp === Number(qp));
  const file = spamdyke && t.snap.fileById(spamdyke.file);
  if (spamdyke && file) blocks.push(`${labelled('For this message:', 'spamdyke logged the same reply:')} ${lineLink(file.path, spamdyke.line)}`);
  return answerFor(t, blocks);
}

function chkuserVerdictAnswer(t: HoverTarget): HoverAnswer {
  const verdict = valueOf(t, 'verdict') ?? '';
  const reason = valueOf(t, 'reason');
  const e = explainChkuserVerdict(verdict, reason);
  const blocks = [labelled('chkuser:', `${verdict}${reason ? `, ${reason}` : ''}`)];
  blocks.push(...(e ? explanationBlocks(e) : [escapeMarkdown('A chkuser verdict we do not know; the reply after it says whether the recipient was accepted.')]));
  const rcpt = valueOf(t, 'address');
  if (rcpt) blocks.push(labelled('For this message:', `the check was about the recipient ${rcpt}.`));
  return answerFor(t, blocks);
}

function remoteSideAnswer(t: HoverTarget): HoverAnswer {
  const kind = valueOf(t, 'remoteKind') ?? fieldValue(t);
  if (kind !== 'h' && kind !== 'unknown') return answerFor(t, [escapeMarkdown(`Remote side marker "${kind}" is not one we know.`)]);
  const blocks = explanationBlocks(explainRemoteSide(kind));
  const port = t.file.port !== undefined ? explainPort(t.file.port) : undefined;
  if (port) blocks.push(labelled('This log:', port.title));
  return answerFor(t, blocks);
}

export function ipAnswerBlocks(t: HoverTarget, ip: string, role: string): string[] {
  const n = messagesWithIp(t.snap, t.reader, ip);
  return [
    labelled('IP address:', `${ip}, ${role}.`),
    escapeMarkdown(`${n} message${n === 1 ? ' in all logs involves' : 's in all logs involve'} this IP address.`),
  ];
}

function ipAnswer(t: HoverTarget): HoverAnswer {
  const kind = valueOf(t, 'remoteKind');
  const role = kind === 'h' ? 'the mail server that connected' : 'the computer of the mail program that connected';
  return answerFor(t, ipAnswerBlocks(t, fieldValue(t), role));
}

function sizeAnswer(t: HoverTarget): HoverAnswer {
  const bytes = Number(fieldValue(t));
  const kib = bytes >= 1024 ? ` (${(bytes / 1024).toFixed(1)} KiB)` : '';
  return answerFor(t, [
    labelled('Message size:', `${bytes} bytes${kib}, logged after the message data was received.`),
    escapeMarkdown('The reply that follows says whether the message was queued (250 ok EPOCH qp PID) or refused after DATA.'),
  ]);
}

const KIND_WORDS: Record<string, string> = {
  from: 'MAIL FROM: the envelope sender of a new transaction.',
  to: 'RCPT TO: one envelope recipient.',
  resp: 'The server\'s reply to the command before it.',
  check: 'chkuser\'s recipient check.',
  size: 'The message size in bytes, logged after DATA.',
  auth: 'SMTP AUTH: the mail program logged in; the reply after it says whether the login worked.',
  helo: 'HELO: the client greeted the server with the name it gives itself.',
  ehlo: 'EHLO: the client greeted the server with the name it gives itself, asking for the extended SMTP features.',
};

function smtpKindAnswer(t: HoverTarget): HoverAnswer {
  const blocks = [labelled(`${t.entry.kind}:`, KIND_WORDS[t.entry.kind] ?? 'An entry kind we do not know.')];
  const port = t.file.port !== undefined ? explainPort(t.file.port) : undefined;
  if (port) blocks.push(...explanationBlocks(port));
  return answerFor(t, blocks);
}
