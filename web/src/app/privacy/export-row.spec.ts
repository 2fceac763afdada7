import { exportRow } from './export-row';
import { DataExport } from './privacy-api';

const exp = (extra: Partial<DataExport> = {}): DataExport => ({
  id: 7, user_id: 3, requested_by: 3, state: 'queued', progress: { done: 0, total: 0 }, bytes: 0, created_at: 1000,
  finished_at: null, expires_at: null, ...extra,
});

describe('exportRow', () => {
  it('reads a ready export: its word, tone, when it was asked for and its size', () => {
    const row = exportRow(exp({ state: 'ready', bytes: 2048 }));
    expect(row.word).toBe('Ready');
    expect(row.tone).toBe('ok');
    expect(row.asked).not.toBe('');
    expect(row.size).toBe('2.0 KB');
  });

  it('has no size before there is an archive, and a failure reads as danger', () => {
    expect(exportRow(exp()).size).toBe('');
    expect(exportRow(exp()).word).toBe('Waiting');
    expect(exportRow(exp({ state: 'failed' })).tone).toBe('danger');
  });
});
