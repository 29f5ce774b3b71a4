// The Message Timeline tree: groups (optional) → messages (paged) → events (resolved lazily).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  MessageEvent, MessagesFilter, MessagesParams, Outcome, OUTCOMES, OUTCOME_TEXT, TimelineMessage, basename, outcomeIcon,
  recipientsLabel, requestMessages, senderLabel, shortTime,
} from './model';

export const PAGE_SIZE = 500;

export type Grouping = 'none' | 'outcome' | 'day';
export type Order = 'newest' | 'oldest';

export interface GroupNode { type: 'group'; key: string; label: string; count: number; filter: MessagesFilter; outcome?: Outcome }
export interface MessageNode { type: 'message'; message: TimelineMessage; parent?: GroupNode }
export interface EventNode { type: 'event'; event: MessageEvent; parent: MessageNode; index: number }
export interface MoreNode { type: 'more'; parent?: GroupNode; loaded: number; total: number }
export interface InfoNode { type: 'info'; label: string }
export type TimelineNode = GroupNode | MessageNode | EventNode | MoreNode | InfoNode;

interface Listing { nodes: MessageNode[]; total: number }

export class TimelineProvider implements vscode.TreeDataProvider<TimelineNode> {
  private readonly changed = new vscode.EventEmitter<TimelineNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  filter: { text: string; outcomes: Outcome[] } = { text: '', outcomes: [] };
  order: Order = 'newest';
  grouping: Grouping = 'none';
  version = -1;
  /** Messages matching the filter at the last top-level fetch, and all messages in the index. */
  matching = 0;
  indexed = 0;
  private listings = new Map<string, Listing>();
  private groups: GroupNode[] | undefined;
  private eventCache = new Map<string, EventNode[]>();
  private readonly onLoadedEmitter = new vscode.EventEmitter<void>();
  /** Fires after the top level was fetched again (the view's message reads the counts). */
  readonly onDidLoad = this.onLoadedEmitter.event;

  constructor(private readonly client: LanguageClient) {}

  get filtered(): boolean {
    return !!this.filter.text.trim() || this.filter.outcomes.length > 0;
  }

  /** Forget everything fetched and ask the tree to show the top level again. */
  refresh(): void {
    this.listings.clear();
    this.groups = undefined;
    this.eventCache.clear();
    this.changed.fire(undefined);
  }

  baseFilter(): MessagesFilter {
    const f: MessagesFilter = {};
    if (this.filter.text.trim()) f.text = this.filter.text.trim();
    if (this.filter.outcomes.length) f.outcomes = [...this.filter.outcomes];
    return f;
  }

  private params(extra: MessagesParams, group?: GroupNode): MessagesParams {
    return { order: this.order, events: false, ...extra, filter: { ...this.baseFilter(), ...group?.filter } };
  }

  private async fetchPage(group: GroupNode | undefined, offset: number): Promise<Listing> {
    const key = group?.key ?? '';
    const r = await requestMessages(this.client, this.params({ offset, limit: PAGE_SIZE }, group));
    this.version = r.version;
    let listing = this.listings.get(key);
    if (!listing || offset === 0) listing = { nodes: [], total: r.total };
    listing.total = r.total;
    listing.nodes.push(...r.messages.map((message): MessageNode => ({ type: 'message', message, parent: group })));
    this.listings.set(key, listing);
    return listing;
  }

  private async topGroups(): Promise<GroupNode[]> {
    const r = await requestMessages(this.client, { ...this.params({ limit: 0, facets: true }) });
    this.version = r.version;
    if (this.grouping === 'outcome') {
      return OUTCOMES.filter((o) => r.counts?.[o]).map((o) => ({
        type: 'group', key: `outcome:${o}`, label: OUTCOME_TEXT[o], count: r.counts![o]!, outcome: o,
        filter: { outcomes: this.filter.outcomes.length ? this.filter.outcomes.filter((x) => x === o) : [o] },
      }));
    }
    const days = [...(r.days ?? [])].sort((a, b) => (a.day < b.day ? -1 : 1));
    if (this.order === 'newest') days.reverse();
    return days.map((d) => ({ type: 'group', key: `day:${d.day}`, label: d.day || '(no time)', count: d.count, filter: d.day ? { from: d.day, to: d.day } : {} }));
  }

  async getChildren(node?: TimelineNode): Promise<TimelineNode[]> {
    if (!node) {
      const info = await requestMessages(this.client, { limit: 0 });
      this.indexed = info.total;
      if (this.grouping !== 'none') {
        this.groups = await this.topGroups();
        this.matching = this.groups.reduce((n, g) => n + g.count, 0);
        this.onLoadedEmitter.fire();
        if (!this.groups.length && this.indexed) return [{ type: 'info', label: 'No message matches the filter' }];
        return this.groups;
      }
      const listing = this.listings.get('') ?? await this.fetchPage(undefined, 0);
      this.matching = listing.total;
      this.onLoadedEmitter.fire();
      if (!listing.total && this.indexed) return [{ type: 'info', label: 'No message matches the filter' }];
      return this.withMore(listing, undefined);
    }
    if (node.type === 'group') {
      const listing = this.listings.get(node.key) ?? await this.fetchPage(node, 0);
      return this.withMore(listing, node);
    }
    if (node.type === 'message') return this.events(node);
    return [];
  }

  private withMore(listing: Listing, parent: GroupNode | undefined): TimelineNode[] {
    const out: TimelineNode[] = [...listing.nodes];
    if (listing.nodes.length < listing.total) out.push({ type: 'more', parent, loaded: listing.nodes.length, total: listing.total });
    return out;
  }

  async events(node: MessageNode): Promise<EventNode[]> {
    const cached = this.eventCache.get(node.message.id);
    if (cached) return cached;
    try {
      const r = await requestMessages(this.client, { ids: [node.message.id] });
      const events = r.messages[0]?.events ?? [];
      const nodes = events.map((event, index): EventNode => ({ type: 'event', event, parent: node, index }));
      this.eventCache.set(node.message.id, nodes);
      return nodes;
    } catch {
      // A stale id: the index changed since the list was fetched.
      this.refresh();
      return [];
    }
  }

  async loadMore(more: MoreNode): Promise<void> {
    const key = more.parent?.key ?? '';
    const listing = this.listings.get(key);
    await this.fetchPage(more.parent, listing?.nodes.length ?? 0);
    this.changed.fire(more.parent);
  }

  getParent(node: TimelineNode): TimelineNode | undefined {
    if (node.type === 'event') return node.parent;
    if (node.type === 'message' || node.type === 'more') return node.parent;
    return undefined;
  }

  /** The tree node of a message, loading pages until it is there; undefined if the filter hides it. */
  async nodeFor(uri: string, line: number): Promise<MessageNode | undefined> {
    let group: GroupNode | undefined;
    if (this.grouping !== 'none') {
      if (!this.groups) await this.getChildren();
      const r = await requestMessages(this.client, this.params({ at: { uri, line } }));
      const m = r.messages[0];
      if (!m || r.position === undefined || r.position < 0) return undefined;
      const key = this.grouping === 'outcome' ? `outcome:${m.outcome}` : `day:${m.time.slice(0, 10)}`;
      group = this.groups?.find((g) => g.key === key);
      if (!group) return undefined;
    }
    const r = await requestMessages(this.client, this.params({ at: { uri, line } }, group));
    const m = r.messages[0];
    if (!m || r.position === undefined || r.position < 0) return undefined;
    const key = group?.key ?? '';
    let listing = this.listings.get(key);
    if (listing && listing.nodes.length && this.version !== r.version) {
      this.refresh();
      listing = undefined;
    }
    if (!listing) listing = await this.fetchPage(group, 0);
    let grew = false;
    while (listing.nodes.length <= r.position && listing.nodes.length < listing.total) {
      listing = await this.fetchPage(group, listing.nodes.length);
      grew = true;
    }
    if (grew) this.changed.fire(group);
    return listing.nodes.find((n) => n.message.id === m.id);
  }

  getTreeItem(node: TimelineNode): vscode.TreeItem {
    switch (node.type) {
      case 'group': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `group/${node.key}`;
        item.description = `${node.count}`;
        item.iconPath = node.outcome ? outcomeIcon(node.outcome) : new vscode.ThemeIcon('calendar');
        item.contextValue = 'group';
        return item;
      }
      case 'message': {
        const m = node.message;
        const item = new vscode.TreeItem(`${shortTime(m.time)}  ${senderLabel(m.sender)} → ${recipientsLabel(m.recipients)}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${node.parent?.key ?? ''}/${m.id}`;
        item.description = OUTCOME_TEXT[m.outcome].toLowerCase();
        item.iconPath = outcomeIcon(m.outcome);
        const tip = new vscode.MarkdownString();
        tip.appendMarkdown(`**${OUTCOME_TEXT[m.outcome]}**\n\n`);
        tip.appendText(`${m.time}\nFrom: ${senderLabel(m.sender)}\nTo: ${m.recipients.join(', ') || '(none)'}\n${m.lineCount} log lines`);
        if (m.ambiguous?.length) tip.appendText(`\nAmbiguous: ${m.ambiguous.join('; ')}`);
        item.tooltip = tip;
        item.contextValue = 'message';
        return item;
      }
      case 'event': {
        const e = node.event;
        const item = new vscode.TreeItem(e.summary, vscode.TreeItemCollapsibleState.None);
        item.id = `${node.parent.parent?.key ?? ''}/${node.parent.message.id}/${node.index}`;
        item.description = `${basename(e.uri)}:${e.range.start.line + 1} · ${shortTime(e.time).slice(11)}`;
        item.tooltip = `${e.time} ${basename(e.uri)}:${e.range.start.line + 1}\n${e.text}`;
        item.iconPath = new vscode.ThemeIcon(e.kind.startsWith('spamdyke') ? 'shield' : e.kind.startsWith('delivery') ? 'package' : 'mail');
        item.contextValue = 'event';
        item.command = { title: 'Reveal Line', command: 'mailLogLens.timeline.openEvent', arguments: [node] };
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(`Load more… (${node.loaded} of ${node.total} shown)`, vscode.TreeItemCollapsibleState.None);
        item.id = `${node.parent?.key ?? ''}/more`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { title: 'Load More', command: 'mailLogLens.timeline.loadMore', arguments: [node] };
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('filter');
        return item;
      }
    }
  }

  /** Every message the filter lets through (top-level order), for export. */
  async allMessages(events: boolean): Promise<TimelineMessage[]> {
    const r = await requestMessages(this.client, this.params({ events }));
    return r.messages;
  }

  dispose(): void {
    this.changed.dispose();
    this.onLoadedEmitter.dispose();
  }
}
