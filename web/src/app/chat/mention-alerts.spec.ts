import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import { Router } from '@angular/router';
import { Subject, filter } from 'rxjs';
import { BROWSER_NOTIFICATIONS } from '../core/browser-notifications';
import { RealtimeService, ServerMessage } from '../core/realtime.service';
import { SessionStore } from '../core/session.store';
import { Toasts } from '../ui/toast';
import { ChatApi } from './chat-api';
import { PAGE_VISIBLE } from './chat-tokens';
import { MentionAlerts, mentionTitle, placeName, preview } from './mention-alerts';

const ME = 7;

function mention(conversationId: number, kind: 'user' | 'channel' | 'here' = 'user', authorId = 2, text = 'hey @ana **look** at this') {
  return {
    type: 'mention',
    conversation_id: conversationId,
    kind,
    message: { id: 900 + conversationId, conversation_id: conversationId, seq: 1, author: { id: authorId, display_name: 'Bruno Braga' }, client_id: 'c', text, created_at: 0 },
  } as unknown as ServerMessage;
}

function setup({ visible = true, permission = 'default' as NotificationPermission, url = '/files' } = {}) {
  const incoming = new Subject<ServerMessage>();
  const shown: { title: string; options: { body: string; tag: string } }[] = [];
  const navigate = vi.fn().mockResolvedValue(true);
  const getConversation = vi.fn().mockImplementation(async (id: number) => (id === 404 ? Promise.reject(new Error('gone')) : { id, kind: 'channel', name: 'news' }));
  TestBed.configureTestingModule({
    providers: [
      { provide: PAGE_VISIBLE, useValue: () => visible },
      { provide: SessionStore, useValue: { user: signal({ id: ME, email: 'ana@example.test' }) } },
      { provide: BROWSER_NOTIFICATIONS, useValue: { permission: () => permission, request: async () => 'granted', show: (title: string, options: { body: string; tag: string }) => shown.push({ title, options }) } },
      { provide: RealtimeService, useValue: { messages: (type: string) => incoming.pipe(filter((m) => m.type === type)) } },
      { provide: Router, useValue: { url, navigate } },
      { provide: ChatApi, useValue: { getConversation } },
    ],
  });
  const alerts = TestBed.inject(MentionAlerts);
  alerts.start();
  const toasts = TestBed.inject(Toasts);
  return { incoming, shown, navigate, getConversation, toasts, alerts };
}

describe('MentionAlerts: being mentioned is told, not just counted', () => {
  it('on another page: a toast says who, where and what, and its Open button goes to the conversation', async () => {
    const { incoming, toasts, navigate } = setup({ url: '/files' });
    incoming.next(mention(12));
    await vi.waitFor(() => expect(toasts.items().length).toBe(1));
    const toast = toasts.items()[0];
    expect(toast.text).toBe('Bruno Braga mentioned you in #news: “hey @ana look at this”');
    expect(toast.action?.label).toBe('Open');
    toast.action?.run();
    expect(navigate).toHaveBeenCalledWith(['/chat', 12]);
  });

  it('nothing when that conversation is open and in view; a toast when another one is open', async () => {
    const { incoming, toasts } = setup({ url: '/chat/12' });
    incoming.next(mention(12));
    incoming.next(mention(13, 'here'));
    await vi.waitFor(() => expect(toasts.items().length).toBe(1));
    expect(toasts.items()[0].text).toContain('mentioned @here in #news');
  });

  it('a hidden tab gets a system notification when allowed, and a toast that waits when not', async () => {
    const allowed = setup({ visible: false, permission: 'granted', url: '/chat/12' });
    allowed.incoming.next(mention(12, 'channel'));
    await vi.waitFor(() => expect(allowed.shown.length).toBe(1));
    expect(allowed.shown[0]).toEqual({ title: 'Bruno Braga mentioned @channel in #news', options: { body: 'hey @ana look at this', tag: 'mention-912' } });
    expect(allowed.toasts.items()).toEqual([]);
    TestBed.resetTestingModule();

    const notAllowed = setup({ visible: false, permission: 'denied' });
    notAllowed.incoming.next(mention(12));
    await vi.waitFor(() => expect(notAllowed.toasts.items().length).toBe(1));
    expect(notAllowed.shown).toEqual([]);
  });

  it('my own message mentioning me is no news; the place is asked for once; a conversation it cannot read is "a conversation"', async () => {
    const { incoming, toasts, getConversation } = setup();
    incoming.next(mention(12, 'user', ME));
    incoming.next(mention(12));
    incoming.next(mention(12));
    incoming.next(mention(404));
    await vi.waitFor(() => expect(toasts.items().length).toBe(3));
    expect(getConversation.mock.calls.filter(([id]) => id === 12).length).toBe(1);
    expect(toasts.items()[2].text).toContain('mentioned you in a conversation');
  });

  it('names places and shortens long texts', () => {
    expect(placeName({ kind: 'group', name: '' })).toBe('a group');
    expect(placeName({ kind: 'direct', name: '' })).toBe('a direct message');
    expect(mentionTitle('Ana', 'user', 'Launch')).toBe('Ana mentioned you in Launch');
    const long = preview('x'.repeat(500));
    expect(long.length).toBe(140);
    expect(long.endsWith('…')).toBe(true);
  });
});
