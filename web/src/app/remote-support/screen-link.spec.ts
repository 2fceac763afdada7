import { describe, expect, it } from 'vitest';
import { Subject, filter } from 'rxjs';
import { ServerMessage } from '../core/realtime.service';
import { ScreenLink, RemoteSupportTransport } from './screen-link';

function transport() {
  const incoming = new Subject<ServerMessage>();
  const sent: { type: string; body: unknown }[] = [];
  const t: RemoteSupportTransport = {
    messages: ((type: string) => incoming.pipe(filter((m) => m.type === type))) as RemoteSupportTransport['messages'],
    request: (async (type: string, body: unknown) => {
      sent.push({ type, body });
      return { type: 'remote_support.ack' } as ServerMessage;
    }) as RemoteSupportTransport['request'],
  };
  return { t, incoming, sent };
}

describe('ScreenLink', () => {
  it('sends a drawing through the server when no data channel is open', async () => {
    const { t, sent } = transport();
    const link = new ScreenLink(t, 7, 'agent', []);
    const how = await link.annotate({ kind: 'stroke', color: 'red', points: [[0.1, 0.2], [0.3, 0.4]] });
    expect(how).toBe('server');
    expect(sent).toEqual([{ type: 'remote_support.annotation', body: { session_id: 7, annotation: { kind: 'stroke', color: 'red', points: [[0.1, 0.2], [0.3, 0.4]] } } }]);
    link.destroy();
  });

  it('lets a refusal of the server reach the caller (drawing withdrawn)', async () => {
    const { t } = transport();
    t.request = (async () => {
      throw new Error('the customer has not allowed drawing');
    }) as RemoteSupportTransport['request'];
    const link = new ScreenLink(t, 7, 'agent', []);
    await expect(link.annotate({ kind: 'pointer', color: 'red', points: [[0.5, 0.5]] })).rejects.toThrow(/not allowed drawing/);
    link.destroy();
  });

  it('ignores signaling of other sessions and has no picture before an offer', async () => {
    const { t, incoming, sent } = transport();
    const link = new ScreenLink(t, 7, 'agent', []);
    incoming.next({ type: 'remote_support.signal', session_id: 8, from: 'customer', signal: { candidate: null } } as ServerMessage);
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([]);
    expect(link.remoteStream()).toBeNull();
    expect(await link.framesDecoded()).toBe(0);
    link.close();
    expect(link.connection()).toBe('closed');
    link.destroy();
  });
});
