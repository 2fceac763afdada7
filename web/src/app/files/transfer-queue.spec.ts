import { TransferQueue, UploadCallbacks, UploadHandle, UploadJob, transferPercent } from './transfer-queue';
import { shouldRetry, tusErrorMessage } from './tus-uploader';

/** A controllable uploader: records calls, the test drives progress and outcomes. */
class FakeUploads {
  readonly started: string[] = [];
  readonly paused: string[] = [];
  readonly cancelled: string[] = [];
  readonly callbacks = new Map<string, UploadCallbacks>();
  create = (job: UploadJob, cb: UploadCallbacks): UploadHandle => {
    this.callbacks.set(job.file.name, cb);
    return {
      start: () => this.started.push(job.file.name),
      pause: () => this.paused.push(job.file.name),
      cancel: () => this.cancelled.push(job.file.name),
    };
  };
}

function file(name: string, size: number): File {
  return new File([new Uint8Array(size)], name);
}

describe('TransferQueue', () => {
  let fake: FakeUploads;
  let done: string[];
  let queue: TransferQueue;
  const state = (name: string) => queue.transfers.find((t) => t.name === name)?.state;

  beforeEach(() => {
    fake = new FakeUploads();
    done = [];
    queue = new TransferQueue(fake.create, () => undefined, (t) => done.push(t.name), 2);
  });

  it('runs at most `parallel` uploads and starts the next when one finishes', () => {
    queue.add([file('a', 10), file('b', 10), file('c', 10)], 1, 0);
    expect(fake.started).toEqual(['a', 'b']);
    expect(state('c')).toBe('queued');
    fake.callbacks.get('a')!.progress(5, 10);
    expect(queue.transfers[0].loaded).toBe(5);
    expect(transferPercent(queue.transfers[0])).toBe(50);
    fake.callbacks.get('a')!.success(42);
    expect(state('a')).toBe('done');
    expect(queue.transfers[0].fileId).toBe(42);
    expect(done).toEqual(['a']);
    expect(fake.started).toEqual(['a', 'b', 'c']);
  });

  it('pauses and resumes with the same upload, which continues where it stopped', () => {
    queue.add([file('a', 10)], 1, 0);
    fake.callbacks.get('a')!.progress(4, 10);
    queue.pause(queue.transfers[0].id);
    expect(state('a')).toBe('paused');
    expect(fake.paused).toEqual(['a']);
    // A late progress event of the aborted request changes nothing.
    fake.callbacks.get('a')!.progress(6, 10);
    expect(queue.transfers[0].loaded).toBe(4);
    queue.resume(queue.transfers[0].id);
    expect(state('a')).toBe('running');
    expect(fake.started).toEqual(['a', 'a']);
    expect(fake.callbacks.size).toBe(1);
  });

  it('a paused upload frees its slot for the next one', () => {
    queue.add([file('a', 10), file('b', 10), file('c', 10)], 1, 0);
    queue.pause(queue.transfers[0].id);
    expect(fake.started).toEqual(['a', 'b', 'c']);
    queue.resume(queue.transfers[0].id);
    expect(state('a')).toBe('queued');
  });

  it('retries a failed upload and keeps the error until then', () => {
    queue.add([file('a', 10)], 1, 0);
    fake.callbacks.get('a')!.error('The connection was lost');
    expect(state('a')).toBe('failed');
    expect(queue.transfers[0].error).toBe('The connection was lost');
    queue.retry(queue.transfers[0].id);
    expect(state('a')).toBe('running');
    expect(queue.transfers[0].error).toBeUndefined();
    expect(fake.started).toEqual(['a', 'a']);
  });

  it('cancels, dismisses finished rows and keeps running ones', () => {
    queue.add([file('a', 10), file('b', 10)], 1, 0);
    queue.cancel(queue.transfers[0].id);
    expect(fake.cancelled).toEqual(['a']);
    expect(state('a')).toBe('cancelled');
    queue.dismiss(queue.transfers[1].id);
    expect(queue.transfers.length).toBe(2);
    queue.clearFinished();
    expect(queue.transfers.map((t) => t.name)).toEqual(['b']);
  });

  it('pauseAll pauses running and waiting uploads', () => {
    queue.add([file('a', 10), file('b', 10), file('c', 10)], 1, 0);
    queue.pauseAll();
    expect(queue.transfers.map((t) => t.state)).toEqual(['paused', 'paused', 'paused']);
  });

  it('an empty file shows 100% once done', () => {
    expect(transferPercent({ loaded: 0, total: 0, state: 'done' })).toBe(100);
    expect(transferPercent({ loaded: 0, total: 0, state: 'running' })).toBe(0);
  });
});

describe('tus errors', () => {
  const response = (status: number, body: string) =>
    ({ originalResponse: { getStatus: () => status, getBody: () => body, getHeader: () => undefined, getUnderlyingObject: () => null } }) as never;

  it('explains refusals in words a person can act on', () => {
    expect(tusErrorMessage(response(413, '{"error":{"code":"quota_exceeded","message":"quota: 3 MB left"}}'))).toBe('Not enough space: quota: 3 MB left');
    expect(tusErrorMessage(response(401, ''))).toBe('Your session ended; sign in again and retry.');
    expect(tusErrorMessage(new Error('xhr failed'))).toBe('The connection was lost; retry to continue where it stopped.');
    expect(tusErrorMessage(response(500, 'oops'))).toBe('The server answered 500; retry.');
  });

  it('retries by itself only on network trouble, conflicts and server errors', () => {
    expect(shouldRetry(undefined)).toBe(true);
    expect(shouldRetry(409)).toBe(true);
    expect(shouldRetry(503)).toBe(true);
    expect(shouldRetry(413)).toBe(false);
    expect(shouldRetry(403)).toBe(false);
  });
});
