// Markdown for hovers. Every text that is not our own markup goes through escapeMarkdown, log
// text and knowledge text alike: knowledge explanations quote log text too (a reason, a reply).
import * as path from 'path';
import { Actor, Explanation } from '../knowledge';
import { pathToUri } from './locations';

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/**
 * Plain text as inert markdown: a backslash before every ASCII punctuation character (CommonMark
 * lets any of them be escaped), which also breaks link, image, HTML and autolink syntax, and line
 * breaks turned into spaces so the text cannot start a block of its own.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(ASCII_PUNCTUATION, (c) => `\\${c}`);
}

/**
 * The same hover as plain text, for clients that do not render markdown: our own markup (links,
 * bold, italics) is dropped and the escapes are undone. Only text from escapeMarkdown and the
 * helpers below goes into a hover, so unescaped `*` and `[...](...)` are always our markup.
 */
export function markdownToPlainText(markdown: string): string {
  return markdown
    .replace(/(?<!\\)\[((?:\\.|[^\]\\])*)\]\([^)\s]*\)/g, '$1')
    .replace(/(?<!\\)\*\*?/g, '')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** `[name:N](file:///…#LN)` for a 0-based line; built only from a path we indexed. */
export function lineLink(filePath: string, line: number): string {
  const target = `${pathToUri(filePath).replace(/\(/g, '%28').replace(/\)/g, '%29')}#L${line + 1}`;
  return `[${escapeMarkdown(`${path.basename(filePath)}:${line + 1}`)}](${target})`;
}

export function bold(text: string): string {
  return `**${escapeMarkdown(text)}**`;
}

/** A paragraph that starts with a bold label, e.g. **For this message:** … */
export function labelled(label: string, text: string): string {
  return `${bold(label)} ${escapeMarkdown(text)}`;
}

const ACTOR_WORDS: Record<Actor, string> = {
  'nobody': 'nobody (it sorts itself out)',
  'sender': 'the sender',
  'sender-admin': 'the administrator of the sending server',
  'recipient': 'the recipient',
  'recipient-admin': 'the recipient\'s mail administrator (the hosting customer)',
  'server-admin': 'the administrator of this server',
};

/** Title, meaning, cause, who acts, what to do and source of an explanation, as paragraphs. */
export function explanationBlocks(e: Explanation): string[] {
  const blocks = [bold(e.title), escapeMarkdown(e.meaning)];
  if (e.cause) blocks.push(labelled('Cause:', e.cause));
  if (e.whoActs) blocks.push(labelled('Who acts:', ACTOR_WORDS[e.whoActs]));
  if (e.action) blocks.push(labelled('What to do:', e.action));
  if (e.reference) blocks.push(`*${escapeMarkdown(`Source: ${e.reference}`)}*`);
  return blocks;
}
