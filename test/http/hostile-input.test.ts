import request from 'supertest';
import { deploymentSchema, errorSchema, recommendationSchema } from '../../src/events/schemas.js';
import { aspenDeployment, aspenError, aspenRecommendation } from '../support/aspen.js';
import { startTestHub, type TestHub } from '../support/hub.js';

// Arbitrary bodies, malformed JSON, deep nesting, wrong media types and raw bytes on every route are the
// property test's (test/http/openapi-properties.test.ts); here: what ingest does with hostile text, field by field.

/** Strings PostgreSQL refuses (NUL in text and JSONB, unpaired surrogates in JSONB) and controls Slack shows as garbage. */
const BAD_STRINGS = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', 'bell\u0007', 'tab\tinside'];

/** Fields whose text is shown to people: cleaned, never refused. Every other string field is an identifier: refused. */
const DISPLAY_FIELDS = new Set([
  'message',
  'stackTrace',
  'descriptionSwedish',
  'descriptionEnglish',
  'publicNameSwedish',
  'publicNameEnglish',
]);
/** Fields that are not free text at all. */
const TYPED_FIELDS: Record<string, number> = { replicas: 400, created: 400, testAccessibility: 200 };

const BASES = {
  deployment: aspenDeployment,
  error: aspenError,
  recommendation: aspenRecommendation,
} as const;

const SCHEMAS = { deployment: deploymentSchema, error: errorSchema, recommendation: recommendationSchema } as const;

/** Unpaired surrogates or NULs anywhere in a stored value (keys included). */
function unstorable(value: unknown): string[] {
  const found: string[] = [];
  const visit = (item: unknown, at: string) => {
    if (typeof item === 'string') {
      if (
        item.includes('\u0000') ||
        /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(item)
      )
        found.push(at);
    } else if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes('\u0000')) found.push(`${at}.(key)`);
        visit(child, `${at}.${key}`);
      }
    }
  };
  visit(value, '$');
  return found;
}

describe('hostile strings in every field, route and parameter', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({ env: { ADMIN_TOKEN: 'admin-token-0123456789' } });
  });
  afterAll(async () => {
    await hub.stop();
  });

  const cases = (Object.keys(SCHEMAS) as Array<keyof typeof SCHEMAS>).flatMap((type) =>
    Object.keys(SCHEMAS[type].shape).map((field) => ({ type, field })),
  );

  it.each(cases)(
    '$type $field: an identifier is refused naming it, display text is cleaned, nothing answers 5xx',
    async ({ type, field }) => {
      const routes = type === 'deployment' ? ['/api/v1/deployment', '/api/v1/deployment/enrich'] : [`/api/v1/${type}`];
      for (const route of routes) {
        for (const [index, bad] of BAD_STRINGS.entries()) {
          // A list field gets the bad value as one of its items too.
          const value =
            index % 2 === 1 && ['slackChannels', 'detectifyProfileTokens', 'accessibilityUrls'].includes(field)
              ? ['#ok', bad]
              : bad;
          const body = BASES[type]({
            version: `v-${field}-${index}`,
            ...(field === 'message' ? {} : { message: `case ${field} ${index}` }),
            [field]: value,
          });
          if (type !== 'deployment' && field !== 'version') delete body.version;
          if (type === 'deployment' && field !== 'message') delete body.message;
          const res = await request(hub.url).post(route).send(body);
          const expected = TYPED_FIELDS[field] ?? (DISPLAY_FIELDS.has(field) ? 200 : 400);
          // A display field holding nothing but what is cleaned away ends up empty: required ones are then refused.
          const emptied =
            DISPLAY_FIELDS.has(field) &&
            field === 'message' &&
            // eslint-disable-next-line no-control-regex -- the control characters the hub cleans from display text
            bad.replace(/[\u0000-\u0008\u000b-\u001f]/g, '').trim() === '';
          expect({ route, bad, status: res.status }).toEqual({ route, bad, status: emptied ? 400 : expected });
          if (res.status === 400) {
            expect(res.body.error.fields.map((problem: { field: string }) => problem.field.split('.')[0])).toContain(
              field,
            );
          } else if (route.endsWith('/enrich')) {
            expect(unstorable(res.body)).toEqual([]);
          } else {
            const event = await request(hub.url).get(`/api/v1/events/${res.body.id}`).expect(200);
            expect(unstorable(event.body.payload)).toEqual([]);
            expect(unstorable(event.body.raw)).toEqual([]);
            if (DISPLAY_FIELDS.has(field) && typeof event.body.payload[field] === 'string') {
              // eslint-disable-next-line no-control-regex -- the control characters the hub cleans from display text
              expect(event.body.payload[field]).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
            }
          }
        }
      }
    },
  );

  it('stores unknown extra keys and values holding NULs and unpaired surrogates, made storable', async () => {
    const body = {
      ...aspenDeployment({ version: 'extra-keys' }),
      'key\u0000with-nul': '\ud800',
      nested: { deep: ['\u0000', '\udfff', 'fine'] },
    };
    const res = await request(hub.url).put('/api/v1/deployment').send(body).expect(200);
    const event = await request(hub.url).get(`/api/v1/events/${res.body.id}`).expect(200);
    expect(event.body.raw['key\ufffdwith-nul']).toBe('\ufffd');
    expect(event.body.raw.nested).toEqual({ deep: ['\ufffd', '\ufffd', 'fine'] });
    // A backslash followed by "u0000" is text, not an escape, and is kept as it came.
    const literal = await request(hub.url)
      .put('/api/v1/recommendation')
      .send(aspenRecommendation({ message: 'path C:\\u0000\\x', note: '\\\\u0000' }))
      .expect(200);
    const stored = await request(hub.url).get(`/api/v1/events/${literal.body.id}`).expect(200);
    expect(stored.body.payload.message).toBe('path C:\\u0000\\x');
    expect(stored.body.raw.note).toBe('\\\\u0000');
  });

  it('refuses control characters in the query parameters of every read route with a 400 naming the parameter', async () => {
    const admin = { Authorization: 'Bearer admin-token-0123456789' };
    const probes: Array<[string, string]> = [
      ['/api/v1/deployments?applicationName=a%00b', 'applicationName'],
      ['/api/v1/deployments?cluster=%00', 'cluster'],
      ['/api/v1/deployments?team=%01', 'team'],
      ['/api/v1/deployments?since=%00', 'since'],
      ['/api/v1/deployments?cursor=%00', 'cursor'],
      ['/api/v1/deployments?limit=5%00', 'limit'],
      ['/api/v1/deployments/latest?cluster=%00', 'cluster'],
      ['/api/v1/deployments/latest?cluster=active%0a', 'cluster'],
      ['/api/v1/events/00000000-0000-4000-8000-000000000000?x=%00', 'x'],
      ['/api/v1/schedules?x=%00', 'x'],
      ['/api/v1/modules?%00=1', '(query)'],
      ['/api/v1/deliveries?module=%00', 'module'],
      ['/api/v1/deliveries?status=%00', 'status'],
      ['/api/v1/schemas/deployment?x=%7f', 'x'],
      ['/api/v1/lighthouse/reports/app?x=%00', 'x'],
      ['/api/v1/events/%00', '(path)'],
      ['/api/v1/lighthouse/reports/a%00b', '(path)'],
      ['/api/v1/deployments/%E0%A4%A', '(path)'],
    ];
    for (const [path, field] of probes) {
      const res = await request(hub.url).get(path).set(admin);
      expect({ path, status: res.status, field: res.body.error?.fields?.[0]?.field }).toEqual({
        path,
        status: 400,
        field,
      });
    }
    // Bytes that are not UTF-8 decode to U+FFFD, which is ordinary text: answered, not refused.
    await request(hub.url).get('/api/v1/deployments?applicationName=%ED%A0%80').expect(200);
    await request(hub.url).get('/api/v1/deployments/latest?cluster=%ED%A0%80').expect(200);
  });

  it('answers the good requests of a concurrent burst 200 whatever a bad one in it holds', async () => {
    const good = Array.from({ length: 40 }, (_, i) =>
      aspenDeployment({ applicationName: `burst-${i}`, version: `b-${i}` }),
    );
    const bad = [
      aspenDeployment({ applicationName: 'bad\u0000name', version: 'b-bad-1' }),
      aspenDeployment({ cluster: '\ud800', version: 'b-bad-2' }),
      { ...aspenDeployment({ applicationName: 'burst-extra', version: 'b-bad-3' }), 'x\u0000': '\udfff' },
      aspenError({ message: '\u0000' }),
    ];
    const all = [...good.slice(0, 20), ...bad, ...good.slice(20)];
    const answers = await Promise.all(
      all.map((body) =>
        request(hub.url)
          .put(typeof body.message === 'string' ? '/api/v1/error' : '/api/v1/deployment')
          .send(body),
      ),
    );
    const byName = new Map(all.map((body, i) => [String(body.applicationName ?? body.message), answers[i]!.status]));
    for (let i = 0; i < 40; i += 1) expect(byName.get(`burst-${i}`)).toBe(200);
    expect(byName.get('bad\u0000name')).toBe(400);
    expect(byName.get('burst-extra')).toBe(200);
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
    const stored = await hub.hub.db.query<{ n: number }>(
      "select count(*)::int as n from events where application_name like 'burst-%'",
    );
    expect(stored.rows[0]!.n).toBe(41);
  });
});
