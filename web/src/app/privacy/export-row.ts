import { formatDate } from '../core/locale-format';
import { formatBytes } from '../files/files-logic';
import type { BadgeTone } from '../ui/badge';
import { DataExport, EXPORT_STATE_WORDS } from './privacy-api';

const EXPORT_STATE_TONES: Record<DataExport['state'], BadgeTone> = {
  queued: 'info',
  running: 'info',
  ready: 'ok',
  downloaded: 'neutral',
  expired: 'neutral',
  failed: 'danger',
};

/** How one export reads in a list, on "Your data" and on the administrator's "Privacy requests". */
export interface ExportRow {
  /** "Ready", "Preparing", ... */
  word: string;
  tone: BadgeTone;
  /** When it was asked for ("" when unknown). */
  asked: string;
  /** The archive's size, "" while there is none. */
  size: string;
}

export function exportRow(x: DataExport): ExportRow {
  return {
    word: EXPORT_STATE_WORDS[x.state],
    tone: EXPORT_STATE_TONES[x.state],
    asked: formatDate(x.created_at, 'medium'),
    size: x.bytes ? formatBytes(x.bytes) : '',
  };
}
