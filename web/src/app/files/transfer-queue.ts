/**
 * Uploads of many files: at most `parallel` run at once, the rest wait in order. Each can
 * be paused and resumed (the bytes already sent stay on the server), retried after a
 * failure, or cancelled. The uploader itself is pluggable: tus in the app, a fake in tests.
 */

export type TransferState = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface Transfer {
  id: number;
  name: string;
  loaded: number;
  total: number;
  state: TransferState;
  error?: string;
  /** The stored file's id once done (when the server told us). */
  fileId?: number;
}

export interface UploadJob {
  file: File;
  spaceId: number;
  parentId: number;
}

export interface UploadCallbacks {
  progress(loaded: number, total: number): void;
  success(fileId?: number): void;
  error(message: string): void;
}

/** One file's upload. start() begins or continues where the server says it stopped. */
export interface UploadHandle {
  start(): void;
  /** Stops sending; the bytes already sent stay so that start() continues. */
  pause(): void;
  /** Stops and discards what was sent. */
  cancel(): void;
}

export type UploaderFactory = (job: UploadJob, callbacks: UploadCallbacks) => UploadHandle;

interface Entry {
  transfer: Transfer;
  job: UploadJob;
  handle: UploadHandle | null;
}

export class TransferQueue {
  private readonly entries: Entry[] = [];
  private nextId = 1;

  constructor(
    private readonly uploader: UploaderFactory,
    private readonly changed: (transfers: Transfer[]) => void,
    private readonly onDone: (transfer: Transfer, job: UploadJob) => void = () => undefined,
    readonly parallel = 3,
  ) {}

  get transfers(): Transfer[] {
    return this.entries.map((e) => e.transfer);
  }

  add(files: File[], spaceId: number, parentId: number): Transfer[] {
    const added = files.map((file) => {
      const entry: Entry = {
        transfer: { id: this.nextId++, name: file.name, loaded: 0, total: file.size, state: 'queued' },
        job: { file, spaceId, parentId },
        handle: null,
      };
      this.entries.push(entry);
      return entry.transfer;
    });
    this.pump();
    return added;
  }

  pause(id: number): void {
    const e = this.find(id);
    if (!e || (e.transfer.state !== 'running' && e.transfer.state !== 'queued')) return;
    if (e.transfer.state === 'running') e.handle?.pause();
    this.patch(e, { state: 'paused' });
    this.pump();
  }

  /** A paused or failed upload goes back in line and continues from where it stopped. */
  resume(id: number): void {
    const e = this.find(id);
    if (!e || (e.transfer.state !== 'paused' && e.transfer.state !== 'failed')) return;
    this.patch(e, { state: 'queued', error: undefined });
    this.pump();
  }

  retry(id: number): void {
    this.resume(id);
  }

  cancel(id: number): void {
    const e = this.find(id);
    if (!e || e.transfer.state === 'done' || e.transfer.state === 'cancelled') return;
    e.handle?.cancel();
    e.handle = null;
    this.patch(e, { state: 'cancelled' });
    this.pump();
  }

  /** Removes finished, failed and cancelled rows from the list (running ones stay). */
  dismiss(id: number): void {
    const i = this.entries.findIndex((e) => e.transfer.id === id);
    if (i < 0) return;
    const state = this.entries[i].transfer.state;
    if (state === 'running' || state === 'queued' || state === 'paused') return;
    this.entries.splice(i, 1);
    this.emit();
  }

  clearFinished(): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const s = this.entries[i].transfer.state;
      if (s === 'done' || s === 'cancelled') this.entries.splice(i, 1);
    }
    this.emit();
  }

  /** Every unfinished upload is paused (e.g. when leaving the page). */
  pauseAll(): void {
    for (const e of this.entries) if (e.transfer.state === 'running' || e.transfer.state === 'queued') this.pause(e.transfer.id);
  }

  private pump(): void {
    let running = this.entries.filter((e) => e.transfer.state === 'running').length;
    for (const e of this.entries) {
      if (running >= this.parallel) break;
      if (e.transfer.state !== 'queued') continue;
      running++;
      this.patch(e, { state: 'running' }, false);
      if (!e.handle) e.handle = this.uploader(e.job, this.callbacks(e));
      e.handle.start();
    }
    this.emit();
  }

  private callbacks(e: Entry): UploadCallbacks {
    // Late events from an upload that was paused or cancelled meanwhile are ignored.
    const live = () => e.transfer.state === 'running';
    return {
      progress: (loaded, total) => {
        if (live()) this.patch(e, { loaded, total });
      },
      success: (fileId) => {
        if (!live()) return;
        this.patch(e, { state: 'done', loaded: e.transfer.total, fileId }, false);
        this.onDone(e.transfer, e.job);
        this.pump();
      },
      error: (message) => {
        if (!live()) return;
        this.patch(e, { state: 'failed', error: message }, false);
        this.pump();
      },
    };
  }

  private find(id: number): Entry | undefined {
    return this.entries.find((e) => e.transfer.id === id);
  }

  private patch(e: Entry, change: Partial<Transfer>, emit = true): void {
    e.transfer = { ...e.transfer, ...change };
    if (emit) this.emit();
  }

  private emit(): void {
    this.changed(this.transfers);
  }
}

/** 0..100 for a progress bar; an empty file counts as complete once done. */
export function transferPercent(t: Pick<Transfer, 'loaded' | 'total' | 'state'>): number {
  if (!t.total) return t.state === 'done' ? 100 : 0;
  return Math.min(100, Math.floor((100 * t.loaded) / t.total));
}
