import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, type TestHub } from '../support/hub.js';

const SECRET = 'replay-secret-0123456789abcdef';

function sign(body: string, idempotencyKey = '', timestamp = Math.floor(Date.now() / 1000), version = 'v2'): string {
  const signed = version === 'v1' ? `${timestamp}.` : `${timestamp}.${idempotencyKey}.`;
  const hex = createHmac('sha256', SECRET).update(signed).update(body).digest('hex');
  return `t=${timestamp},${version}=${hex}`;
}

interface Answer {
  status: number;
  body: { id?: string; status?: string; error?: { code: string; message: string } };
}

async function put(hub: TestHub, body: string, signature: string, idempotencyKey?: string): Promise<Answer> {
  const res = await fetch(`${hub.url}/api/v1/deployment`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/json',
      'X-Alvares-Signature': signature,
      ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

let counter = 0;
const body = () => JSON.stringify(aspenDeployment({ version: `replay-${Date.now()}-${(counter += 1)}` }));

/** A signed request is accepted once, on whichever replica, while its timestamp would still pass. */
describe('signed ingest requests are accepted once', () => {
  let first: TestHub;
  let second: TestHub;

  beforeAll(async () => {
    first = await startTestHub({ env: { INGEST_HMAC_SECRET: SECRET } });
    second = await startTestHub({ env: { INGEST_HMAC_SECRET: SECRET }, databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  const eventsOf = async (sent: string) =>
    (
      await first.hub.db.query<{ n: number }>(`select count(*)::int as n from events where raw->>'version' = $1`, [
        (JSON.parse(sent) as { version: string }).version,
      ])
    ).rows[0]!.n;

  it('refuses the same signed request again with 409, on the replica that took it and on another', async () => {
    const sent = body();
    const signature = sign(sent);
    expect((await put(first, sent, signature)).status).toBe(200);
    for (const hub of [first, second, first]) {
      const again = await put(hub, sent, signature);
      expect(again.status).toBe(409);
      expect(again.body.error!.code).toBe('HUB_ERR_CONFLICT');
      expect(again.body.error!.message).toMatch(/accepted before/);
    }
    expect(await eventsOf(sent)).toBe(1);
  });

  it('signs the Idempotency-Key: the signature sent with five other keys is refused, one event in all', async () => {
    const sent = body();
    const signature = sign(sent, 'key-1');
    const answers = [];
    for (const key of ['key-1', 'key-2', 'key-3', 'key-4', 'key-5'])
      answers.push(await put(first, sent, signature, key));
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 401, 401, 401]);
    expect(answers[1]!.body.error!.message).toMatch(/does not match/);
    expect(await eventsOf(sent)).toBe(1);
  });

  it('lets one of many copies through when they race to both replicas', async () => {
    const sent = body();
    const signature = sign(sent, 'race-key');
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => put(i % 2 === 0 ? first : second, sent, signature, 'race-key')),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(11);
    expect(await eventsOf(sent)).toBe(1);
  });

  it('gives a retry signed anew with the same Idempotency-Key the first event again', async () => {
    const sent = body();
    const now = Math.floor(Date.now() / 1000);
    const accepted = await put(first, sent, sign(sent, 'retry-key', now - 2), 'retry-key');
    expect(accepted.status).toBe(200);
    const retried = await put(second, sent, sign(sent, 'retry-key', now), 'retry-key');
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: accepted.body.id, status: 'duplicate' });
    expect(await eventsOf(sent)).toBe(1);
  });

  it('tells a sender of the earlier v1 form (no Idempotency-Key signed) what to send instead', async () => {
    const sent = body();
    const old = await put(first, sent, sign(sent, '', undefined, 'v1'));
    expect(old.status).toBe(401);
    expect(old.body.error!.message).toContain('v1 signatures (over "t.body") are no longer accepted');
    expect(old.body.error!.message).toContain('v2=<hex HMAC-SHA256 of "t.idempotency-key.body">');
    expect(await eventsOf(sent)).toBe(0);
  });

  it('accepts what the shell example of docs/reference/security.md sends, as written', async () => {
    const guide = readFileSync(path.join(import.meta.dirname, '../../docs/reference/security.md'), 'utf8');
    const script = /```sh\n([\s\S]*?)```/.exec(guide)![1]!;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-signed-'));
    try {
      const file = path.join(dir, 'signed-deployment.sh');
      await writeFile(file, script, { mode: 0o755 });
      const version = `docs-${Date.now()}`;
      const { stdout } = await promisify(execFile)('sh', [file, 'docs-app', version], {
        env: { ...process.env, ALVARES_URL: first.url, INGEST_HMAC_SECRET: SECRET },
      });
      expect(JSON.parse(stdout)).toMatchObject({ type: 'deployment', status: 'accepted', sender: 'hmac' });
      const stored = await first.hub.db.query(`select 1 from events where raw->>'version' = $1`, [version]);
      expect(stored.rowCount).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
