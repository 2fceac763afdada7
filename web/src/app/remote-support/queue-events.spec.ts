import { Subject } from 'rxjs';
import { applyQueueEvent, queueEvents } from './queue-events';
import { QueueEvent, SupportRequest } from './remote-support-types';

const req = (id: number, extra: Partial<SupportRequest> = {}): SupportRequest => ({
  id,
  customer: { id: 100 + id, name: `C${id}`, country: 'DE' },
  topic: '',
  status: 'waiting',
  created_at: 1000 * id,
  waiting_ms: 0,
  accepted_by: null,
  accepted_at: null,
  session_id: null,
  overdue_at: null,
  ...extra,
});
const ev = (type: QueueEvent['type'], request: SupportRequest): QueueEvent => ({ type, request });

describe('applyQueueEvent', () => {
  it('adds a new request in order of arrival, once', () => {
    const list = [req(1), req(3)];
    const after = applyQueueEvent(list, ev('remote_support.request_created', req(2)));
    expect(after.map((q) => q.id)).toEqual([1, 2, 3]);
    expect(applyQueueEvent(after, ev('remote_support.request_created', req(2))).map((q) => q.id)).toEqual([1, 2, 3]);
  });

  it('removes a request that was taken, withdrawn or expired', () => {
    const list = [req(1), req(2)];
    expect(applyQueueEvent(list, ev('remote_support.request_taken', req(1, { status: 'accepted' }))).map((q) => q.id)).toEqual([2]);
    expect(applyQueueEvent(list, ev('remote_support.request_cancelled', req(2, { status: 'withdrawn' }))).map((q) => q.id)).toEqual([1]);
    expect(applyQueueEvent(list, ev('remote_support.request_expired', req(2, { status: 'expired' }))).map((q) => q.id)).toEqual([1]);
  });

  it('marks an overdue request but does not bring back one already gone', () => {
    const after = applyQueueEvent([req(1), req(2)], ev('remote_support.request_overdue', req(1, { overdue_at: 5000 })));
    expect(after.find((q) => q.id === 1)?.overdue_at).toBe(5000);
    expect(applyQueueEvent([req(2)], ev('remote_support.request_overdue', req(1, { overdue_at: 5000 }))).map((q) => q.id)).toEqual([2]);
  });
});

describe('queueEvents', () => {
  it('merges every queue type and nothing else', () => {
    const subjects = new Map<string, Subject<unknown>>();
    const source = {
      messages: (type: string) => {
        const s = new Subject<unknown>();
        subjects.set(type, s);
        return s;
      },
    };
    const seen: string[] = [];
    queueEvents(source as never).subscribe((e) => seen.push(e.type));
    expect([...subjects.keys()]).toContain('remote_support.request_overdue');
    expect(subjects.has('remote_support.state')).toBe(false);
    subjects.get('remote_support.request_created')?.next(ev('remote_support.request_created', req(1)));
    subjects.get('remote_support.request_expired')?.next(ev('remote_support.request_expired', req(1, { status: 'expired' })));
    expect(seen).toEqual(['remote_support.request_created', 'remote_support.request_expired']);
  });
});
