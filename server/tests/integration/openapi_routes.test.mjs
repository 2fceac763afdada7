// docs/openapi.yaml stays true: it parses, and every operation it documents exists on the
// server. Each documented method and path (parameters filled with 1) is asked without a
// token; whatever the answer (401, 404 for an id that does not exist, 400 for a missing
// body...), it must not be the transport's own "no such endpoint" 404 or a 405, which
// mean the route is not there or not with that method.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startServer } from './lib/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const specPath = resolve(here, '../../../docs/openapi.yaml');
const methods = ['get', 'put', 'post', 'delete', 'patch'];

describe('docs/openapi.yaml', () => {
  let server;
  let spec;
  before(async () => {
    spec = parse(readFileSync(specPath, 'utf8'));
    server = await startServer({ webRoot: false });
  });
  after(async () => server?.stop());

  it('parses, and names every operation uniquely', () => {
    assert.equal(typeof spec.paths, 'object');
    const ids = [];
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of methods) if (item[method]?.operationId) ids.push(item[method].operationId);
      assert.ok(methods.some((m) => item[m]), `${path} documents no operation`);
    }
    const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert.deepEqual(repeated, [], 'operationIds used twice');
  });

  it('documents only operations the server has', async () => {
    const missing = [];
    let asked = 0;
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of methods) {
        if (!item[method]) continue;
        const target = path.replace(/\{[^}]+\}/g, '1');
        const init = { method: method.toUpperCase(), redirect: 'manual' };
        if (['post', 'put', 'patch'].includes(method)) {
          init.headers = { 'content-type': 'application/json' };
          init.body = '{}';
        }
        const res = await fetch(server.base + target, init);
        const text = await res.text();
        asked++;
        const transportNotFound = res.status === 404 && text.includes('no such endpoint');
        if (transportNotFound || res.status === 405) missing.push(`${method.toUpperCase()} ${path} -> ${res.status}`);
      }
    }
    assert.ok(asked > 100, `only ${asked} operations documented`);
    assert.deepEqual(missing, [], 'documented but not served');
  });
});
