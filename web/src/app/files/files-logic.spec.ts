import { activityQuery, activityTarget, fileIcon, linkRequest, previewBlobType, previewKind, showsQuota, spaceLabel, spaceSubtitle } from './files-logic';

describe('previewKind', () => {
  it('previews raster images, PDF and text only', () => {
    expect(previewKind('image/png')).toBe('image');
    expect(previewKind('image/jpeg')).toBe('image');
    expect(previewKind('application/pdf')).toBe('pdf');
    expect(previewKind('text/plain; charset=utf-8')).toBe('text');
    expect(previewKind('text/csv')).toBe('text');
  });

  it('never previews types that can run script', () => {
    for (const type of ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/javascript', 'application/octet-stream', '', undefined]) {
      expect(previewKind(type)).toBeNull();
    }
  });

  it('types the preview blob itself, whatever the server said', () => {
    expect(previewBlobType('text', 'text/html')).toBe('text/plain');
    expect(previewBlobType('pdf', 'application/pdf')).toBe('application/pdf');
    expect(previewBlobType('image', 'image/svg+xml')).toBe('application/octet-stream');
    expect(previewBlobType('image', 'IMAGE/PNG')).toBe('image/png');
  });
});

describe('spaceLabel', () => {
  it('names my personal space "My files" and others by their owner', () => {
    expect(spaceLabel({ kind: 'personal', name: 'My files', owner_user_id: 1, owner_name: 'Alice' }, 1)).toBe('My files');
    expect(spaceLabel({ kind: 'personal', name: 'My files', owner_user_id: 2, owner_name: 'Bruno Braga' }, 1)).toBe("Bruno Braga's files");
    expect(spaceLabel({ kind: 'team', name: 'Sales' }, 1)).toBe('Sales');
    expect(spaceSubtitle({ kind: 'personal', name: 'x', owner_user_id: 2 }, 1)).toBe('shared with me');
    expect(spaceSubtitle({ kind: 'customer', name: 'x', owner_name: 'Carla' }, 1)).toBe('customer · Carla');
  });
});

describe('activityQuery', () => {
  it('turns the filters into since (inclusive) and until (end of that day)', () => {
    const q = activityQuery({ action: 'download', since: '2026-11-01', until: '2026-11-02' }, 'csv');
    expect(q['action']).toBe('download');
    expect(q['since']).toBe(new Date(2026, 10, 1).getTime());
    expect(q['until']).toBe(new Date(2026, 10, 2).getTime() + 86_400_000);
    expect(q['format']).toBe('csv');
  });

  it('leaves out empty or malformed filters', () => {
    const q = activityQuery({ action: '', since: 'yesterday', until: '' });
    expect(Object.keys(q).sort()).toEqual(['limit']);
  });
});

describe('linkRequest', () => {
  const now = 1_000_000;
  it('builds expiry and download limit, leaving out zero and empty', () => {
    expect(linkRequest({ password: ' secret pass ', expiresInDays: 7, maxDownloads: 3 }, now)).toEqual({
      body: { password: 'secret pass', expires_at: now + 7 * 86_400_000, max_downloads: 3 },
    });
    expect(linkRequest({ password: '', expiresInDays: 0, maxDownloads: null }, now)).toEqual({ body: {} });
  });

  it('refuses negative or fractional numbers with a sentence', () => {
    expect(linkRequest({ password: '', expiresInDays: -1, maxDownloads: null }, now)).toEqual({ error: 'Expiry must be 0 to 365 days.' });
    expect(linkRequest({ password: '', expiresInDays: null, maxDownloads: 1.5 }, now)).toEqual({ error: 'The download limit must be a whole number.' });
  });
});

describe('fileIcon', () => {
  it('tells folders, images and documents apart', () => {
    // Icon names of ui/icon (they were emoji, which render as empty boxes without an emoji font).
    expect(fileIcon('folder')).toBe('folder');
    expect(fileIcon('file', 'image/png')).toBe('file-image');
    expect(fileIcon('file', 'application/pdf')).toBe('file-text');
    expect(fileIcon('file', 'application/x-thing')).toBe('file');
  });
});

describe('activityTarget', () => {
  it('names whom a file was shared with, and the role', () => {
    expect(activityTarget({ action: 'grant', target_kind: 'user', target_name: 'Ben Silva', role: 'viewer' })).toBe('with Ben Silva (viewer)');
    expect(activityTarget({ action: 'grant', target_kind: 'team', target_name: 'Support Lisbon', role: 'editor' })).toBe('with team Support Lisbon (editor)');
    expect(activityTarget({ action: 'ungrant', target_kind: 'user', target_name: 'Ben Silva' })).toBe('from Ben Silva');
  });

  it('says an account is gone rather than showing its number', () => {
    expect(activityTarget({ action: 'grant', target_kind: 'user', target_name: '', role: 'viewer' })).toBe('with a removed account (viewer)');
  });

  it('is empty for other entries', () => {
    expect(activityTarget({ action: 'upload' })).toBe('');
  });
});

describe('showsQuota', () => {
  const personal = { kind: 'personal' as const, name: '', owner_user_id: 7, owner_name: 'Ana' };
  it('shows my own quota', () => expect(showsQuota({ ...personal, my_role: 'manager' }, 7)).toBe(true));
  it('hides the sharer’s personal quota from whoever they shared a folder with', () => {
    expect(showsQuota({ ...personal, my_role: 'none' }, 9)).toBe(false);
    expect(showsQuota({ ...personal, my_role: 'editor' }, 9)).toBe(false);
  });
  it('shows a team or customer space’s quota to those who can add to it', () => {
    expect(showsQuota({ kind: 'team', name: 'Support', my_role: 'editor' }, 9)).toBe(true);
    expect(showsQuota({ kind: 'customer', name: 'Acme', my_role: 'viewer' }, 9)).toBe(false);
  });
});
