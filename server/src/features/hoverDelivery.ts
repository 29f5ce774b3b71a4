// Hovers on delivery log entries: outcomes (with the retry or the bounce), the result text (did
// counters, smtp_auth, what the remote host said), delivery ids and channels.
import { DeliveryAttempt } from '../core/model';
import {
  decodeDeliveryText, decodeDid, explainDeliveryOutcome, explainDid, explainEnhancedStatus, explainReplyCode, explainServerText,
} from '../knowledge';
import { firstLineOf, localTimeWords } from './hoverContext';
import { escapeMarkdown, explanationBlocks, labelled, lineLink } from './hoverMarkdown';
import { HoverAnswer, HoverTarget, answerFor, fieldValue, valueOf } from './hoverTarget';

export function explainDeliveryField(t: HoverTarget): HoverAnswer | undefined {
  switch (t.field.name) {
    case 'outcome': return outcomeAnswer(t);
    case 'text': return resultTextAnswer(t);
    case 'id': return deliveryIdAnswer(t);
    case 'channel': return channelAnswer(t);
    case 'kind': return deliveryKindAnswer(t);
    default: return undefined;
  }
}

interface PlacedAttempt { attempt: DeliveryAttempt; file: number }

function attemptsOfMessage(t: HoverTarget): PlacedAttempt[] {
  return (t.message?.delivery ?? []).flatMap((g) => g.attempts.map((attempt) => ({ attempt, file: g.file })));
}

/** The attempt whose try or result stands on the hovered line. */
function hoveredAttempt(t: HoverTarget): PlacedAttempt | undefined {
  return attemptsOfMessage(t).find((p) => p.file === t.file.id && (p.attempt.resultLine === t.line || p.attempt.tryLine === t.line));
}

/** The first later try of the same recipient, in any delivery group of the message. */
function nextRetry(t: HoverTarget, of: PlacedAttempt): PlacedAttempt | undefined {
  const later = attemptsOfMessage(t).filter((p) => p.attempt.recipient === of.attempt.recipient && p !== of
    && (p.attempt.tryTime > of.attempt.tryTime || (p.attempt.tryTime === of.attempt.tryTime && p.file === of.file && p.attempt.tryLine > of.attempt.tryLine)));
  return later.sort((a, b) => a.attempt.tryTime - b.attempt.tryTime || a.attempt.tryLine - b.attempt.tryLine)[0];
}

function outcomeAnswer(t: HoverTarget): HoverAnswer {
  const outcome = fieldValue(t);
  const e = explainDeliveryOutcome(outcome);
  const blocks = e ? explanationBlocks(e) : [escapeMarkdown(`"${outcome}" is not a delivery outcome we know.`)];
  const placed = hoveredAttempt(t);
  if (placed && outcome === 'deferral') blocks.push(deferralForMessage(t, placed));
  if (outcome === 'failure') blocks.push(failureForMessage(t));
  return answerFor(t, blocks);
}

function deferralForMessage(t: HoverTarget, placed: PlacedAttempt): string {
  const retry = nextRetry(t, placed);
  const file = retry && t.snap.fileById(retry.file);
  if (!retry || !file) {
    return labelled('For this message:', `no later try of ${placed.attempt.recipient} is in the log; qmail retries it later on its own, until the queue lifetime ends.`);
  }
  const when = localTimeWords(t.snap, file, retry.attempt.tryTime);
  const result = retry.attempt.outcome ? `, with the result: ${retry.attempt.outcome}` : '';
  return `${labelled('For this message:', `qmail retried ${placed.attempt.recipient} at ${when}${result}:`)} ${lineLink(file.path, retry.attempt.tryLine)}`;
}

function failureForMessage(t: HoverTarget): string {
  const bounces = (t.message?.bounces ?? []).filter((i) => i < t.snap.messageCount).map((i) => firstLineOf(t.snap, t.snap.message(i)));
  const links = bounces.filter((b) => b !== undefined).map((b) => lineLink(b!.file.path, b!.line));
  if (!links.length) return labelled('For this message:', 'no bounce for this failure is in the logs (it may be outside the time span, or the message was itself a bounce).');
  return `${labelled('For this message:', 'qmail sent a bounce (a message with the null sender <>) to the sender:')} ${links.join(' ')}`;
}

const SMTP_AUTH_PREFIX = /^smtp[_ ]auth\//i;
const DID_TOKEN = /did_\d+\+\d+\+\d+\/?/i;

function resultTextAnswer(t: HoverTarget): HoverAnswer {
  const raw = fieldValue(t);
  const offset = t.character - t.field.start;
  const auth = SMTP_AUTH_PREFIX.exec(raw);
  if (auth && offset < auth[0].length) return smtpAuthAnswer(t, auth[0].length);
  const did = DID_TOKEN.exec(raw);
  const counts = decodeDid(raw);
  if (did && counts && offset >= did.index && offset < did.index + did[0].length) {
    return { start: t.field.start + did.index, end: t.field.start + did.index + did[0].length, blocks: explanationBlocks(explainDid(counts)) };
  }
  return answerFor(t, remoteTextBlocks(raw));
}

function smtpAuthAnswer(t: HoverTarget, length: number): HoverAnswer {
  return {
    start: t.field.start,
    end: t.field.start + length,
    blocks: [
      labelled('smtp_auth:', 'the sender had logged in (SMTP authentication) when handing in this message, so the server relayed it as the user\'s own outgoing mail.'),
      escapeMarkdown('The rest of the text is what the receiving server answered.'),
    ],
  };
}

function remoteTextBlocks(raw: string): string[] {
  const decoded = decodeDeliveryText(raw);
  const blocks = [labelled('Report:', decoded.text)];
  const counts = decodeDid(raw);
  if (counts) blocks.push(...explanationBlocks(explainDid(counts)));
  const server = explainServerText(decoded.text);
  if (server) blocks.push(...explanationBlocks(server));
  if (decoded.replyCode && !server?.title.startsWith(decoded.replyCode)) {
    const reply = explainReplyCode(decoded.replyCode);
    if (reply) blocks.push(labelled(`Reply code ${decoded.replyCode}:`, `${reply.title}. ${reply.meaning}`));
  }
  const status = decoded.enhancedStatus ? explainEnhancedStatus(decoded.enhancedStatus) : undefined;
  if (status) blocks.push(labelled(`Status ${decoded.enhancedStatus}:`, `${status.title}. ${status.meaning}`));
  if (decoded.smtpAuth) blocks.push(labelled('smtp_auth:', 'the sender had logged in.'));
  return blocks;
}

function deliveryIdAnswer(t: HoverTarget): HoverAnswer {
  const id = fieldValue(t);
  const placed = hoveredAttempt(t);
  const blocks = [labelled('Delivery id:', `${id} pairs a try with its result. qmail numbers deliveries as it starts them and reuses numbers later, so the id is only unique within a short stretch of the log.`)];
  const other = placed && (placed.attempt.tryLine === t.line ? placed.attempt.resultLine : placed.attempt.tryLine);
  if (other !== undefined && other >= 0) blocks.push(`${labelled('For this message:', `the ${placed!.attempt.tryLine === t.line ? 'result' : 'try'} with this id:`)} ${lineLink(t.file.path, other)}`);
  return answerFor(t, blocks);
}

function channelAnswer(t: HoverTarget): HoverAnswer {
  const channel = fieldValue(t);
  const recipient = valueOf(t, 'address') ?? '';
  const words = channel === 'local'
    ? `${recipient} is hosted on this server: qmail-local stores the message in its mailbox, or forwards it or runs a program as the address is set up.`
    : channel === 'remote'
      ? `${recipient} is hosted elsewhere: qmail-remote looks up the domain's mail server and hands the message over by SMTP.`
      : `"${channel}" is not a delivery channel we know.`;
  return answerFor(t, [labelled(`${channel}:`, words)]);
}

const DELIVERY_KIND_WORDS: Record<string, string> = {
  init: 'qmail-send took a new message from its queue; the sender follows.',
  try: 'qmail-send starts a delivery attempt to one recipient.',
  result: 'The outcome of the delivery attempt with the same id.',
};

function deliveryKindAnswer(t: HoverTarget): HoverAnswer {
  return answerFor(t, [labelled(`${t.entry.kind}:`, DELIVERY_KIND_WORDS[t.entry.kind] ?? 'A delivery log entry we do not know.')]);
}
