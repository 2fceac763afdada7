// The chat feature's state as the pages see it: one facade over the stores of each concern
// (conversation-list, timelines, outbox, reply-threads, typing, conversation-members,
// timeline-sync). It routes the realtime events to them and adds what spans several.
import { DestroyRef, Injectable, Provider, effect, inject } from '@angular/core';
import { RealtimeService } from '../core/realtime.service';
import { ChatApi } from './chat-api';
import { ChatMessage, ConversationRole } from './chat-types';
import { ChatUnread } from './chat-unread';
import { PAGE_VISIBLE } from './chat-tokens';
import { ConversationList } from './conversation-list';
import { ConversationMembers } from './conversation-members';
import { Outbox } from './outbox';
import { ReplyThreads } from './reply-threads';
import { TimelineSync } from './timeline-sync';
import { Timelines } from './timelines';
import { Typing } from './typing';

/** The chat's stores, provided together where the chat lives (its route; tests). */
export function provideChatStore(): Provider[] {
  return [ConversationList, Timelines, ReplyThreads, TimelineSync, Outbox, Typing, ConversationMembers, ChatStore];
}

@Injectable()
export class ChatStore {
  private readonly api = inject(ChatApi);
  private readonly realtime = inject(RealtimeService);
  private readonly pageVisible = inject(PAGE_VISIBLE);
  private readonly list = inject(ConversationList);
  private readonly timelines = inject(Timelines);
  private readonly replies = inject(ReplyThreads);
  private readonly sync = inject(TimelineSync);
  private readonly outbox = inject(Outbox);
  private readonly typing = inject(Typing);
  private readonly members = inject(ConversationMembers);
  private greeted = false;

  // --- the conversations
  readonly conversations = this.list.conversations;
  readonly loaded = this.list.loaded;
  readonly error = this.list.error;
  readonly openError = this.list.openError;
  readonly openMissing = this.list.openMissing;
  readonly openRemoved = this.list.openRemoved;
  readonly activeId = this.list.activeId;
  readonly myId = this.list.myId;
  readonly channels = this.list.channels;
  readonly directs = this.list.directs;
  readonly groups = this.list.groups;
  readonly supports = this.list.supports;
  readonly totalUnread = this.list.totalUnread;
  readonly active = this.list.active;
  readonly activeTitle = this.list.activeTitle;
  readonly canModerate = this.list.canModerate;
  readonly activeSeenSeq = this.list.activeSeenSeq;
  readonly load = () => this.list.load();
  readonly titleOf = this.list.titleOf.bind(this.list);
  readonly close = () => this.list.close();
  readonly refreshActive = () => this.list.refreshActive();
  readonly create = this.list.create.bind(this.list);
  readonly join = this.list.join.bind(this.list);
  readonly updateDetails = this.list.updateDetails.bind(this.list);

  // --- the open conversation's timeline
  readonly activeLoaded = this.timelines.activeLoaded;
  readonly activeHasMore = this.timelines.activeHasMore;
  readonly activeLoadingOlder = this.timelines.activeLoadingOlder;
  readonly activeError = this.timelines.activeError;
  readonly activeMessages = this.timelines.activeMessages;
  readonly activeHasNewer = this.timelines.activeHasNewer;
  readonly activeLoadingNewer = this.timelines.activeLoadingNewer;
  readonly loadOlder = () => this.timelines.loadOlder();
  readonly loadNewer = () => this.timelines.loadNewer();
  readonly jumpTo = (seq: number) => this.timelines.jumpTo(seq);
  readonly jumpToLatest = () => this.timelines.jumpToLatest();
  readonly setViewport = this.timelines.setViewport.bind(this.timelines);
  readonly markActiveRead = () => this.timelines.markActiveRead();
  readonly applyChanges = this.sync.applyChanges.bind(this.sync);

  // --- sending
  readonly send = this.outbox.send.bind(this.outbox);
  readonly retry = (clientId: string) => this.outbox.retry(clientId);
  readonly discard = (clientId: string) => this.outbox.discard(clientId);

  // --- typing
  readonly activeTyping = this.typing.activeTyping;
  readonly sendTyping = () => this.typing.sendTyping();

  // --- the reply thread panel
  readonly threadPanel = this.replies.threadPanel;
  readonly threadReplies = this.replies.threadReplies;
  readonly threadRoot = this.replies.threadRoot;
  readonly openThread = (rootId: number) => this.replies.openThread(rootId);
  readonly loadOlderReplies = () => this.replies.loadOlderReplies();
  readonly closeThread = () => this.replies.closeThread();
  readonly replyInThread = (text: string) => this.replies.replyInThread(text);
  readonly setFollowing = (follow: boolean) => this.replies.setFollowing(follow);

  // --- members
  readonly addMember = (userId: number) => this.members.addMember(userId);
  readonly setMemberRole = (userId: number, role: ConversationRole) => this.members.setMemberRole(userId, role);
  readonly setMemberCanPost = (userId: number, canPost: boolean) => this.members.setMemberCanPost(userId, canPost);
  readonly removeMember = (userId: number) => this.members.removeMember(userId);

  constructor() {
    const unread = inject(ChatUnread);
    effect(() => unread.total.set(this.totalUnread()));
    const subscriptions = [
      this.realtime.messages('message.new').subscribe((event) => this.receive(event.message)),
      this.realtime.messages('message.updated').subscribe((event) => this.sync.applyChanges(event.conversation_id, [event.message])),
      this.realtime.messages('typing').subscribe((event) => this.typing.onTyping(event.conversation_id, event.user.id)),
      this.realtime.messages('hello').subscribe(() => this.onHello()),
      this.realtime.messages('reaction.updated').subscribe((event) => this.sync.applyChanges(event.conversation_id, [event.message])),
      this.realtime.messages('mention').subscribe((event) => this.list.onMention(event.conversation_id, event.message)),
      this.realtime.messages('sync.replay').subscribe((event) => this.sync.onSyncReplay(event)),
      this.realtime.messages('sync.done').subscribe((event) => this.sync.onSyncDone(event.id)),
      this.realtime.messages('read.updated').subscribe((event) => this.list.onReadUpdated(event.conversation_id, event.user_id, event.last_read_seq)),
      this.realtime.messages('conversation.updated').subscribe((event) => this.list.onConversationUpdated(event)),
      this.realtime.messages('messages.purged').subscribe((event) => this.sync.purge(event.conversation_id, event.message_ids)),
      this.realtime.messages('conversation.added').subscribe((event) => void this.list.onAdded(event.conversation_id)),
      this.realtime.messages('conversation.removed').subscribe((event) => this.onRemoved(event.conversation_id)),
      this.realtime.messages('conversation.members').subscribe((event) => void this.list.onMembersChanged(event.conversation_id)),
    ];
    inject(DestroyRef).onDestroy(() => {
      for (const s of subscriptions) s.unsubscribe();
    });
  }

  /** Makes `id` the open conversation: its details, its newest page, then marks it read. */
  async open(id: number): Promise<void> {
    const details = this.list.select(id);
    const page = this.timelines.get(id)?.loaded ? this.sync.catchUp(id) : this.timelines.loadNewest(id);
    await Promise.all([details, page]);
    if (this.list.activeId() === id) await this.timelines.markActiveRead();
  }

  /** A message.new from the server: append (once), or count it as unread elsewhere. */
  receive(message: ChatMessage): void {
    const id = message.conversation_id;
    if (!this.list.knows(id)) {
      // Someone started a conversation with us, or added us: the list learns about it.
      void this.list.load();
      return;
    }
    if (message.thread_root_id) {
      // A thread reply: shown in the thread panel; does not count as unread in the timeline.
      this.replies.apply(id, [message]);
      return;
    }
    const timeline = this.timelines.get(id);
    if (timeline?.loaded && !timeline.hasNewer) this.timelines.confirm(id, message);
    const mine = message.author.id === this.myId();
    const reading = id === this.activeId() && this.pageVisible();
    this.list.countReceived(id, message.seq, mine || reading);
    if (reading && !mine) void this.markActiveRead();
  }

  /** Edits one of my messages; the list shows the server's answer (and message.updated repeats it). */
  async edit(messageId: number, text: string): Promise<void> {
    const id = this.activeId();
    if (id === null || !text.trim()) return;
    this.sync.applyChanges(id, [await this.api.editMessage(id, messageId, text)]);
  }

  /** Deletes a message (mine, or anyone's as owner/moderator): it becomes a tombstone. */
  async remove(messageId: number): Promise<void> {
    const id = this.activeId();
    if (id === null) return;
    this.sync.applyChanges(id, [await this.api.deleteMessage(id, messageId)]);
  }

  /** Adds or removes my reaction with `emoji`; the list shows the server's answer. */
  async toggleReaction(messageId: number, emoji: string): Promise<void> {
    const id = this.activeId();
    if (id === null) return;
    const reply = await this.realtime.request('reaction.toggle', { conversation_id: id, message_id: messageId, emoji });
    if (reply.type === 'reaction.ack') this.sync.applyChanges(id, [reply.message]);
  }

  /** Leaves a group or channel; it disappears from the sidebar. */
  async leave(id: number): Promise<void> {
    await this.members.leave(id);
    this.timelines.forget(id);
  }

  /** I am out of a conversation (removed, or left on another device): it leaves the sidebar. */
  private onRemoved(id: number): void {
    this.list.removedFromMe(id);
    this.timelines.forget(id);
  }

  /** A (re)connected socket: everything missed while away is read back from storage. */
  private onHello(): void {
    this.outbox.resendAfterReconnect();
    const first = !this.greeted;
    this.greeted = true;
    if (first && !this.loaded()) return; // the first load is under way anyway
    void this.load();
    this.sync.resume(this.activeId());
  }
}
