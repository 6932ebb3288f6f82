import {
  auditGuard,
  buildAllowList,
  describeAllowedHost,
  parseAllowedHostEntry,
} from '../../../modules/lighthouse/allow-list.js';
import type { CoreConfig } from '../../../src/module-api.js';

/** The module's own guard over these settings; names resolve to a public address, as they would on the internet. */
function guardOver(hosts: CoreConfig['hosts'], allowedHosts: string[]) {
  const core = { hosts, security: { outboundAllowedHosts: [] } } as unknown as Pick<CoreConfig, 'hosts' | 'security'>;
  return auditGuard(
    core,
    allowedHosts.map((entry) => parseAllowedHostEntry(entry)!),
    () => Promise.resolve([{ address: '93.184.216.34', family: 4 }]),
  );
}
const SETTING = 'LIGHTHOUSE_ALLOWED_HOSTS or OUTBOUND_ALLOWED_HOSTS';
import { lighthouseConfigSchema } from '../../../modules/lighthouse/config.js';

const CLUSTER_HOSTS = {
  active: { app: 'https://app.example.test/', api: 'https://api.example.test' },
  stage: { app: 'https://app-r.example.test', api: undefined },
  integral: {},
  'integral-stage': { app: 'http://127.0.0.1:8080' },
};

describe('the hosts Lighthouse may audit', () => {
  const allowed = buildAllowList(CLUSTER_HOSTS, [
    parseAllowedHostEntry('www.example.org')!,
    parseAllowedHostEntry('intranet.example.test:8443')!,
  ]);
  const guard = guardOver(CLUSTER_HOSTS, ['www.example.org', 'intranet.example.test:8443']);

  it('are the app and api hosts of every cluster plus LIGHTHOUSE_ALLOWED_HOSTS', () => {
    expect(allowed.map(describeAllowedHost)).toEqual([
      'app.example.test',
      'api.example.test',
      'app-r.example.test',
      '127.0.0.1:8080',
      'www.example.org',
      'intranet.example.test:8443',
    ]);
  });

  it.each([
    'https://app.example.test/kth-azure-app',
    'https://app.example.test:443/kth-azure-app',
    'http://app.example.test/',
    'https://API.example.test/api/webtex?x=1',
    'http://127.0.0.1:8080/app',
    'https://intranet.example.test:8443/',
    'http://intranet.example.test:8443/',
  ])('allow %s', async (url) => {
    expect(await guard.check(url)).toMatchObject({ ok: true, url: new URL(url).href });
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'host 169.254.169.254 is not a cluster host or in ' + SETTING],
    ['http://localhost:8080/', 'host localhost:8080 is not a cluster host or in ' + SETTING],
    ['http://127.0.0.1:8081/', 'host 127.0.0.1:8081 is not a cluster host or in ' + SETTING],
    ['http://127.0.0.1/', 'host 127.0.0.1 is not a cluster host or in ' + SETTING],
    ['https://app.example.test:8443/', 'host app.example.test:8443 is not a cluster host or in ' + SETTING],
    ['https://intranet.example.test/', 'host intranet.example.test is not a cluster host or in ' + SETTING],
    ['https://app.example.test.evil.test/', 'host app.example.test.evil.test is not a cluster host or in ' + SETTING],
    ['https://evil.test/?app.example.test', 'host evil.test is not a cluster host or in ' + SETTING],
    ['http://[::1]:8080/', 'host [::1]:8080 is not a cluster host or in ' + SETTING],
    ['file:///etc/passwd', 'scheme file is not http or https'],
    ['javascript:alert(1)', 'scheme javascript is not http or https'],
    ['chrome://settings', 'scheme chrome is not http or https'],
    ['not a url', 'not a valid URL'],
  ])('refuse %s', async (url, reason) => {
    expect(await guard.check(url)).toMatchObject({ ok: false, reason });
  });

  it('refuses URLs with credentials and leaves the credentials out of the refusal', async () => {
    expect(await guard.check('https://user:hunter2@app.example.test/')).toEqual({
      ok: false,
      url: 'https://app.example.test/',
      reason: 'URLs with credentials are not fetched',
    });
  });

  it('compares hosts as the browser will read them (case, trailing port, numeric forms of an address)', async () => {
    const local = guardOver({} as CoreConfig['hosts'], ['127.0.0.1:3000']);
    expect(await local.check('http://0x7f.0.0.1:3000/')).toMatchObject({ ok: true, url: 'http://127.0.0.1:3000/' });
    expect(await local.check('http://2130706433:3000/')).toMatchObject({ ok: true });
    expect(await local.check('http://127.1:3001/')).toMatchObject({ ok: false });
  });

  it('is empty, refusing everything, when nothing is configured', async () => {
    expect(buildAllowList({ active: {} }, [])).toEqual([]);
    expect(await guardOver({ active: {} } as CoreConfig['hosts'], []).check('https://app.example.test/')).toMatchObject(
      { ok: false },
    );
  });
});

describe('LIGHTHOUSE_ALLOWED_HOSTS entries', () => {
  it.each([
    ['docs.example.test', { hostname: 'docs.example.test', port: 'default' }],
    [' Docs.Example.Test ', { hostname: 'docs.example.test', port: 'default' }],
    ['docs.example.test:8080', { hostname: 'docs.example.test', port: 8080 }],
    ['docs.example.test:80', { hostname: 'docs.example.test', port: 80 }],
    ['[::1]:3000', { hostname: '[::1]', port: 3000 }],
    ['https://docs.example.test/some/path', { hostname: 'docs.example.test', port: 'default' }],
    ['http://docs.example.test:8080', { hostname: 'docs.example.test', port: 8080 }],
  ])('read %j', (entry, host) => {
    expect(parseAllowedHostEntry(entry)).toEqual(host);
  });

  it.each([
    'docs.example.test:0',
    'docs.example.test:70000',
    'docs.example.test/path',
    'user@docs.example.test',
    'ftp://docs.example.test',
    ':80',
  ])('reject %j', (entry) => {
    expect(parseAllowedHostEntry(entry)).toBeNull();
  });

  it('are checked with the rest of the configuration, every bad entry named', () => {
    const parsed = lighthouseConfigSchema.safeParse({
      LIGHTHOUSE_ALLOWED_HOSTS: 'ok.example.test, bad/path, also bad',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.message)).toEqual([
      '"bad/path" is not a host name, host:port or http(s) URL',
      '"also bad" is not a host name, host:port or http(s) URL',
    ]);
  });
});
