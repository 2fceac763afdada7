// Files for the AI tests: an upload to a space's root, and the wait for the index to
// reach a state (indexing happens in the background after the upload).
import assert from 'node:assert/strict';
import { api } from './server.mjs';
import { eventually } from './live.mjs';

/** Uploads bytes (a Buffer or a string) as `name` at the space's root; the new file. */
export async function uploadFile(server, token, spaceId, name, bytes) {
  const q = new URLSearchParams({ name, parent_id: '0' });
  const r = await api(server, 'POST', `/api/v1/spaces/${spaceId}/files?${q}`, {
    token,
    raw: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes),
    headers: { 'content-type': 'application/octet-stream' },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

/** The file's index state once it reads `status` (as `token` sees it), within a minute. */
export function indexedState(server, token, fileId, status = 'ready') {
  return eventually(async () => {
    const r = await api(server, 'GET', `/api/v1/ai/index/files/${fileId}`, { token });
    return r.status === 200 && r.json.status === status ? r.json : false;
  }, { ms: 60000, what: `file ${fileId} indexed (${status})` });
}
