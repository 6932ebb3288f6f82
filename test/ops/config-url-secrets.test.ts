import { MODULES } from '../../modules/index.js';
import { hideUrlSecrets } from '../../src/logging/redact.js';
import { schemaKeys } from '../../src/ops/module-config-values.js';
import { capturedLogger } from '../support/captured-logger.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/**
 * Credentials inside a URL are secret wherever configuration is shown, logged or exported: every module's
 * configuration read back with every URL carrying a password, a token as the user name and secret query
 * parameters, and every secret key set, holds none of them; nor does the hub's log.
 */
const MARK = 'c0ffee5ec7';
const ADMIN_TOKEN = 'admin-token-for-config-secrets';

/** What a key of each kind is set to: a URL with credentials in every place a URL can carry them. */
function valueFor(key: string): string | undefined {
  if (/SECRET|TOKEN|PASSWORD|API_?KEY/i.test(key)) return `secret-${MARK}-0123456789abcdef`;
  if (key === 'SMTP_URL') return `smtp://deploy:pw-${MARK}@127.0.0.1:9`;
  if (key === 'EMAIL_FROM') return 'alvares@example.com';
  if (key === 'SLACK_WEB_HOOK') return `https://hooks.slack.com/services/T000/B000/${MARK}`;
  if (/_URL$/.test(key)) return `https://deploy:pw-${MARK}@example.com/hook?token=t-${MARK}&api_key=k-${MARK}&page=2`;
  return undefined;
}

describe('module configuration read back', () => {
  let hub: TestHub;
  const log = capturedLogger('debug');
  const env: Record<string, string> = { ADMIN_TOKEN };
  for (const definition of MODULES)
    for (const key of schemaKeys(definition.configSchema)) {
      const value = valueFor(key);
      if (value) env[key] = value;
    }
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    hub = await startTestHub({ env, logger: log.logger });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('sets a URL with credentials for the keys of several modules (the test reaches them)', () => {
    const urls = Object.entries(env).filter(([, value]) => value.includes(`pw-${MARK}`));
    expect(urls.map(([key]) => key)).toEqual(
      expect.arrayContaining(['WEBHOOK_URL', 'GRAFANA_URL', 'CDEVENTS_SINK_URL']),
    );
  });

  it('shows no credential of any URL nor any secret, for every module', async () => {
    const shown: string[] = [];
    for (const definition of MODULES) {
      const res = await fetch(`${hub.url}/api/v1/admin/modules/${definition.name}/config`, { headers: admin });
      expect(res.status).toBe(200);
      shown.push(await res.text());
    }
    const all = shown.join('\n');
    expect(all).toContain('example.com/hook');
    expect(all).not.toContain(MARK);
    const webhook = JSON.parse(shown[MODULES.findIndex((m) => m.name === 'webhook')]!) as {
      values: Record<string, string>;
    };
    expect(webhook.values.WEBHOOK_URL).toBe('https://deploy:***@example.com/hook?token=***&api_key=***&page=2');
  });

  it('keeps the credentials when the URL is sent back as shown, and hides a new one set at run time', async () => {
    const put = (values: Record<string, string>) =>
      fetch(`${hub.url}/api/v1/admin/modules/webhook/config`, {
        method: 'PUT',
        headers: admin,
        body: JSON.stringify(values),
      });
    const asShown = await put({ WEBHOOK_URL: 'https://deploy:***@example.com/hook?token=***&api_key=***&page=2' });
    expect(asShown.status).toBe(200);
    const kept = (await asShown.json()) as { change: { keys: string[] } };
    expect(kept.change.keys).toEqual([]);

    const changed = await put({ WEBHOOK_URL: `https://${MARK}-token@example.com/other?sig=s-${MARK}` });
    const answer = await changed.text();
    expect(changed.status).toBe(200);
    expect(answer).not.toContain(MARK);
    const read = await (await fetch(`${hub.url}/api/v1/admin/modules/webhook/config`, { headers: admin })).text();
    expect(read).toContain('https://***@example.com/other?sig=***');
    const changes = await (await fetch(`${hub.url}/api/v1/admin/config-changes`, { headers: admin })).text();
    expect(changes).not.toContain(MARK);
  });

  it('writes no credential into the log', () => {
    expect(log.text().length).toBeGreaterThan(0);
    expect(log.text()).not.toContain(MARK);
  });
});

describe('hideUrlSecrets', () => {
  it('hides passwords, token user names, secret query parameters and webhook paths, and keeps the rest', () => {
    expect(hideUrlSecrets('https://u:p@host.example/x?a=1&access_token=z#f')).toBe(
      'https://u:***@host.example/x?a=1&access_token=***#f',
    );
    expect(hideUrlSecrets('postgres://app:pw@db:5432/hub')).toBe('postgres://app:***@db:5432/hub');
    expect(hideUrlSecrets('https://ghp_abc@github.com/org/repo.git')).toBe('https://***@github.com/org/repo.git');
    expect(hideUrlSecrets('https://hooks.slack.com/services/T/B/xyz')).toBe('https://hooks.slack.com/services/***');
    expect(hideUrlSecrets('https://s3.example/o?X-Amz-Signature=abc&X-Amz-Date=1')).toBe(
      'https://s3.example/o?X-Amz-Signature=***&X-Amz-Date=1',
    );
    expect(hideUrlSecrets('https://example.com/a?page=2')).toBe('https://example.com/a?page=2');
    expect(hideUrlSecrets('plain text')).toBe('plain text');
  });
});
