/** Pure helpers of the file manager (no Angular): sizes, labels, previews, query strings. */
import type { IconName } from '../ui/icon';
import type { FileActivity } from './files-api';

export type PreviewKind = 'image' | 'pdf' | 'text';

/** Human sizes: 1.5 MB, 320 KB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Largest file shown inline; bigger ones are offered as a download. */
export const PREVIEW_MAX_BYTES = 25 * 1024 * 1024;
/** Text previews show the start of the file only. */
export const TEXT_PREVIEW_BYTES = 256 * 1024;

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);

/**
 * How a file may be previewed, or null. Only types a browser shows without running
 * anything: raster images, PDF (in the browser's viewer), and text shown as text.
 * HTML, SVG, XML and everything else are never rendered — they are downloaded.
 */
export function previewKind(contentType: string | undefined): PreviewKind | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (IMAGE_TYPES.has(type)) return 'image';
  if (type === 'application/pdf') return 'pdf';
  if (type === 'text/plain' || type === 'text/csv' || type === 'text/markdown' || type === 'application/json') return 'text';
  return null;
}

/** The type the preview blob is given: never what the server said, only a safe one. */
export function previewBlobType(kind: PreviewKind, contentType: string | undefined): string {
  if (kind === 'pdf') return 'application/pdf';
  if (kind === 'text') return 'text/plain';
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return IMAGE_TYPES.has(type) ? type : 'application/octet-stream';
}

export interface SpaceLike {
  kind: 'personal' | 'team' | 'customer';
  name: string;
  owner_user_id?: number;
  owner_name?: string;
}

/** "My files" for my own personal space, "Bruno Braga's files" for someone else's. */
export function spaceLabel(space: SpaceLike, myId: number | undefined): string {
  if (space.kind === 'personal') {
    if (space.owner_user_id === myId || !space.owner_name) return 'My files';
    return `${space.owner_name}'s files`;
  }
  return space.name;
}

/** A small line under the space's name: whose it is. */
export function spaceSubtitle(space: SpaceLike, myId: number | undefined): string {
  if (space.kind === 'team') return 'team';
  if (space.kind === 'customer') return space.owner_name ? `customer · ${space.owner_name}` : 'customer';
  return space.owner_user_id === myId ? 'personal' : 'shared with me';
}

/**
 * Whether the space's quota is this person's business: their own files, or a team or customer
 * space they can add to. Someone shown a folder of another person's files (a customer, a
 * colleague) is not told that person's usage ("12 MB of 10 GB used").
 */
export function showsQuota(space: SpaceLike & { my_role?: string }, myId: number | undefined): boolean {
  if (space.kind === 'personal') return myId !== undefined && space.owner_user_id === myId;
  return space.my_role === 'editor' || space.my_role === 'manager';
}

export const ACTIVITY_ACTIONS = [
  'upload',
  'download',
  'preview',
  'restore',
  'rename',
  'move',
  'delete',
  'folder',
  'grant',
  'ungrant',
  'lock',
  'unlock',
  'link_create',
  'link_use',
  'link_revoke',
] as const;

export interface ActivityFilterInput {
  action: string;
  /** yyyy-mm-dd in the browser's zone, or empty. */
  since: string;
  until: string;
}

/** Query parameters for GET .../activity (since inclusive, until exclusive: the day after). */
export function activityQuery(f: ActivityFilterInput, format?: 'csv'): Record<string, string | number> {
  const q: Record<string, string | number> = { limit: 500 };
  if (f.action) q['action'] = f.action;
  const day = (text: string) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : NaN;
  };
  const since = day(f.since);
  const until = day(f.until);
  if (Number.isFinite(since)) q['since'] = since;
  if (Number.isFinite(until)) q['until'] = until + 24 * 3600 * 1000;
  if (format) q['format'] = format;
  return q;
}

/** Whom a share entry names: "with Ben Silva (viewer)", "from team Support Lisbon"; empty for other entries. */
export function activityTarget(a: Pick<FileActivity, 'action' | 'target_kind' | 'target_name' | 'role'>): string {
  if (!a.target_kind || (a.action !== 'grant' && a.action !== 'ungrant')) return '';
  const who = a.target_name
    ? `${a.target_kind === 'team' ? 'team ' : ''}${a.target_name}`
    : a.target_kind === 'team' ? 'a deleted team' : 'a removed account';
  return a.action === 'grant' ? `with ${who}${a.role ? ` (${a.role})` : ''}` : `from ${who}`;
}

export function actionLabel(action: string): string {
  const labels: Record<string, string> = {
    upload: 'uploaded',
    download: 'downloaded',
    preview: 'previewed',
    restore: 'restored a version of',
    rename: 'renamed',
    move: 'moved',
    delete: 'deleted',
    folder: 'created folder',
    grant: 'shared',
    ungrant: 'stopped sharing',
    lock: 'locked',
    unlock: 'unlocked',
    link_create: 'created a link to',
    link_use: 'link opened:',
    link_revoke: 'revoked a link to',
  };
  return labels[action] ?? action;
}

export interface LinkForm {
  password: string;
  /** Days until the link stops working; 0 or empty: never. */
  expiresInDays: number | null;
  /** Downloads allowed; 0 or empty: unlimited. */
  maxDownloads: number | null;
}

/** The body of POST /files/{id}/links from the dialog's fields; an error sentence when invalid. */
export function linkRequest(
  form: LinkForm,
  now: number,
): { body: { password?: string; expires_at?: number; max_downloads?: number } } | { error: string } {
  const body: { password?: string; expires_at?: number; max_downloads?: number } = {};
  const password = form.password.trim();
  if (password) body.password = password;
  if (form.expiresInDays !== null && form.expiresInDays !== undefined && `${form.expiresInDays}` !== '') {
    const days = Number(form.expiresInDays);
    if (!Number.isInteger(days) || days < 0 || days > 365) return { error: 'Expiry must be 0 to 365 days.' };
    if (days > 0) body.expires_at = now + days * 24 * 3600 * 1000;
  }
  if (form.maxDownloads !== null && form.maxDownloads !== undefined && `${form.maxDownloads}` !== '') {
    const max = Number(form.maxDownloads);
    if (!Number.isInteger(max) || max < 0) return { error: 'The download limit must be a whole number.' };
    if (max > 0) body.max_downloads = max;
  }
  return { body };
}

/** A file-type icon (ui/icon) for list and grid. */
export function fileIcon(kind: 'folder' | 'file', contentType?: string): IconName {
  if (kind === 'folder') return 'folder';
  const type = contentType ?? '';
  if (type.startsWith('image/')) return 'file-image';
  if (type === 'application/pdf' || type.startsWith('text/')) return 'file-text';
  if (type.startsWith('video/')) return 'file-video';
  if (type.startsWith('audio/')) return 'file-music';
  if (type.includes('zip') || type.includes('compressed')) return 'file-archive';
  return 'file';
}
