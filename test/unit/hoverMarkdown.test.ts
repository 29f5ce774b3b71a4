import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bold, escapeMarkdown, explanationBlocks, labelled, lineLink, markdownToPlainText } from '../../server/src/features/hoverMarkdown';

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** Undoes CommonMark backslash escapes, as a renderer would. */
const unescape = (md: string) => md.replace(/\\([!-/:-@[-`{-~])/g, '$1');

test('every ASCII punctuation character gets a backslash', () => {
  for (const c of PUNCTUATION) assert.equal(escapeMarkdown(c), `\\${c}`, c);
  assert.equal(escapeMarkdown(PUNCTUATION).length, PUNCTUATION.length * 2);
});

test('letters, digits, spaces and non-ASCII text stay as they are', () => {
  const text = 'Grüße 42 from Zoë → München ✓';
  assert.equal(escapeMarkdown(text), text);
});

test('escaping loses nothing: unescaping gives the text back', () => {
  const text = '554 "Refused. [x](command:a) <img src=x> **b** _i_ `c` http://e.example/ a@b.example #5.1.1 \\ |t|';
  assert.equal(unescape(escapeMarkdown(text)), text);
});

test('no link, image, HTML, autolink or code span survives', () => {
  const md = escapeMarkdown('[click](command:workbench.action.terminal.new) ![i](http://x/y.png) <img src=x> <http://a.example> http://evil.example/ www.evil.example abuse@example.com `code`');
  assert.doesNotMatch(md, /(?<!\\)\]\(/);
  assert.doesNotMatch(md, /(?<!\\)</);
  assert.doesNotMatch(md, /(?<!\\)`/);
  assert.doesNotMatch(md, /https?:\/\//);
  assert.doesNotMatch(md, /www\.evil/);
  assert.doesNotMatch(md, /abuse@example\.com/);
});

test('line breaks cannot start a block of their own', () => {
  const md = escapeMarkdown('first\n# heading\r\n> quote\n\n---');
  assert.ok(!/[\r\n]/.test(md));
});

test('our own links: label escaped, 1-based line, parentheses in the path encoded', () => {
  const link = lineLink('/tmp/logs (copy)/smtp_25.log', 11);
  assert.match(link, /^\[smtp\\_25\\\.log\\:12\]\(file:\/\/\/tmp\/logs%20%28copy%29\/smtp_25\.log#L12\)$/);
});

test('explanations become escaped paragraphs with cause, who acts and what to do', () => {
  const blocks = explanationBlocks({
    title: 'Bad *mailbox*', meaning: 'See <b>x</b>.', severity: 'permanent', cause: 'Typo.', whoActs: 'sender', action: 'Fix [it](command:x).', reference: 'RFC 3463',
  });
  assert.equal(blocks[0], '**Bad \\*mailbox\\***');
  assert.equal(blocks[1], 'See \\<b\\>x\\<\\/b\\>\\.');
  assert.ok(blocks.some((b) => unescape(b).startsWith('**Who acts:** the sender')));
  assert.ok(blocks.some((b) => unescape(b) === '**What to do:** Fix [it](command:x).'));
  assert.ok(blocks.every((b) => !/(?<!\\)\]\(/.test(b)));
  assert.equal(labelled('Reason:', 'a_b'), '**Reason\\:** a\\_b');
});

test('plain text for clients without markdown: log text comes back exactly, our markup goes', () => {
  const hostile = '554 "Refused. [x](command:a) <img src=x> **b** *i* _u_ `c` \\ a@b.example #5.1.1 (y) ]( [';
  assert.equal(markdownToPlainText(escapeMarkdown(hostile)), hostile);
  const md = [bold('Who *acts*:'), `${labelled('Cause:', 'no [rDNS]')} ${lineLink('/logs/Mail (2021)/smtp_25.log', 4)}`, `*${escapeMarkdown('Source: RFC 5321, 4.2.3')}*`].join('\n\n');
  assert.equal(markdownToPlainText(md), 'Who *acts*:\n\nCause: no [rDNS] smtp_25.log:5\n\nSource: RFC 5321, 4.2.3');
});
