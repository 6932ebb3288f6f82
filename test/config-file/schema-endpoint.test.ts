import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestHub, type TestHub } from '../support/hub.js';

const READ_TOKEN = 'read-token-0123456789abcdef';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('GET /api/v1/config/schema.json', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // READ_TOKEN closes every other read under /api/v1: the schema must stay open for editors all the same.
    hub = await startTestHub({ env: { READ_TOKEN, ADMIN_TOKEN } });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('answers the JSON Schema committed in docs/reference without a token', async () => {
    const res = await fetch(`${hub.url}/api/v1/config/schema.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/schema\+json/);
    expect(await res.text()).toBe(await readFile(path.join(ROOT, 'docs/reference/config-schema.json'), 'utf8'));
  });

  it('leaves the other reads behind the read token', async () => {
    expect((await fetch(`${hub.url}/api/v1/notify/targets`)).status).toBe(401);
  });

  it('answers 405 or 404 JSON to a write, never a 5xx', async () => {
    const res = await fetch(`${hub.url}/api/v1/config/schema.json`, { method: 'POST', body: '{}' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('content-type')).toMatch(/json/);
  });
});
