import {
  buildAllowList,
  checkAuditUrl,
  describeAllowedHost,
  parseAllowedHostEntry,
} from '../../../modules/lighthouse/allow-list.js';
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
  ])('allow %s', (url) => {
    expect(checkAuditUrl(url, allowed)).toEqual({ ok: true, url: new URL(url).href });
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'host 169.254.169.254 is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS'],
    ['http://localhost:8080/', 'host localhost:8080 is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS'],
    ['http://127.0.0.1:8081/', 'host 127.0.0.1:8081 is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS'],
    ['http://127.0.0.1/', 'host 127.0.0.1 is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS'],
    ['https://app.example.test:8443/', 'host app.example.test:8443 is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS'],
    ['https://intranet.example.test/', 'host intranet.example.test is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS'],
    ['https://app.example.test.evil.test/', 'host app.example.test.evil.test is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS'],
    ['https://evil.test/?app.example.test', 'host evil.test is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS'],
    ['http://[::1]:8080/', 'host [::1]:8080 is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS'],
    ['file:///etc/passwd', 'scheme file is not http or https'],
    ['javascript:alert(1)', 'scheme javascript is not http or https'],
    ['chrome://settings', 'scheme chrome is not http or https'],
    ['not a url', 'not a valid URL'],
  ])('refuse %s', (url, reason) => {
    expect(checkAuditUrl(url, allowed)).toMatchObject({ ok: false, reason });
  });

  it('refuses URLs with credentials and leaves the credentials out of the refusal', () => {
    expect(checkAuditUrl('https://user:hunter2@app.example.test/', allowed)).toEqual({
      ok: false,
      url: 'https://app.example.test/',
      reason: 'URLs with credentials are not audited',
    });
  });

  it('compares hosts as the browser will read them (case, trailing port, numeric forms of an address)', () => {
    const local = buildAllowList({}, [parseAllowedHostEntry('127.0.0.1:3000')!]);
    expect(checkAuditUrl('http://0x7f.0.0.1:3000/', local)).toMatchObject({ ok: true, url: 'http://127.0.0.1:3000/' });
    expect(checkAuditUrl('http://2130706433:3000/', local)).toMatchObject({ ok: true });
    expect(checkAuditUrl('http://127.1:3001/', local)).toMatchObject({ ok: false });
  });

  it('is empty, refusing everything, when nothing is configured', () => {
    expect(buildAllowList({ active: {} }, [])).toEqual([]);
    expect(checkAuditUrl('https://app.example.test/', [])).toMatchObject({ ok: false });
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

  it.each(['docs.example.test:0', 'docs.example.test:70000', 'docs.example.test/path', 'user@docs.example.test', 'ftp://docs.example.test', ':80'])(
    'reject %j',
    (entry) => {
      expect(parseAllowedHostEntry(entry)).toBeNull();
    },
  );

  it('are checked with the rest of the configuration, every bad entry named', () => {
    const parsed = lighthouseConfigSchema.safeParse({ LIGHTHOUSE_ALLOWED_HOSTS: 'ok.example.test, bad/path, also bad' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.message)).toEqual([
      '"bad/path" is not a host name, host:port or http(s) URL',
      '"also bad" is not a host name, host:port or http(s) URL',
    ]);
  });
});
