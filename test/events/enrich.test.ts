import { parseCoreConfig } from '../../src/config/config.js';
import {
  cleanApplicationPath,
  createdToIso,
  deploymentChannels,
  enrichDeployment,
  enrichError,
  enrichRecommendation,
  friendlyNameOf,
  hostFor,
  joinUrl,
  logSearchUrl,
  normaliseImportance,
  parseSlackChannels,
  teamFromChannels,
} from '../../src/events/enrich.js';
import { deploymentSchema } from '../../src/events/schemas.js';
import { aspenDeployment, HOSTS_ENV } from '../support/aspen.js';

function config(env: Record<string, string> = HOSTS_ENV) {
  const parsed = parseCoreConfig(env);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.value;
}

function enrich(overrides: Record<string, unknown> = {}, env?: Record<string, string>) {
  return enrichDeployment(deploymentSchema.parse(aspenDeployment(overrides)), config(env));
}

describe('application path cleanup', () => {
  it('cuts a Traefik rule at the first semicolon and trims', () => {
    expect(cleanApplicationPath('/api/webtex;ReplacePathRegex')).toBe('/api/webtex');
    expect(cleanApplicationPath('/app/x ; PathPrefixStrip:/app')).toBe('/app/x');
  });
  it('cuts only a value that starts with a slash as sent, then drops quotes and surrounding space', () => {
    expect(cleanApplicationPath('  /app/x ; PathPrefixStrip')).toBe('/app/x ; PathPrefixStrip');
    expect(cleanApplicationPath('"/app/"x')).toBe('/app/x');
  });
  it('leaves paths not starting with a slash alone and maps null or blank to null', () => {
    expect(cleanApplicationPath('Host:foo;x')).toBe('Host:foo;x');
    expect(cleanApplicationPath(null)).toBeNull();
    expect(cleanApplicationPath('   ')).toBeNull();
  });
});

describe('importance', () => {
  it.each([
    ['HIGH', 'high'],
    ['Medium', 'medium'],
    ['low', 'low'],
    ['critical', 'low'],
    [' high', 'low'],
    [null, 'low'],
    ['', 'low'],
  ])('%p becomes %p', (input, expected) => {
    expect(normaliseImportance(input)).toBe(expected);
  });
});

describe('hosts per cluster', () => {
  const hosts = config().hosts;
  it('uses the api host for /api/ paths and the app host otherwise, without a trailing slash', () => {
    expect(hostFor('active', '/api/thing', hosts)).toBe('https://api.example.test');
    expect(hostFor('active', '/thing', hosts)).toBe('https://app.example.test');
    expect(hostFor('stage', '/thing', hosts)).toBe('https://app-r.example.test');
  });
  it('falls back to the active hosts for an unknown cluster', () => {
    expect(hostFor('saas', '/thing', hosts)).toBe('https://app.example.test');
  });
  it('has no host without a path or a cluster', () => {
    expect(hostFor(null, '/thing', hosts)).toBeNull();
    expect(hostFor('active', null, hosts)).toBeNull();
  });
  it('has no host when the cluster has none configured', () => {
    expect(hostFor('integral', '/thing', hosts)).toBeNull();
  });
  it('does not treat /apiary as an api path', () => {
    expect(hostFor('active', '/apiary', hosts)).toBe('https://app.example.test');
  });
});

describe('URL joining', () => {
  it('adds /_monitor, or just _monitor after a trailing slash', () => {
    expect(joinUrl('https://h', '/app', '_monitor')).toBe('https://h/app/_monitor');
    expect(joinUrl('https://h', '/app/', '_monitor')).toBe('https://h/app/_monitor');
    expect(joinUrl('https://h', '/app')).toBe('https://h/app');
  });
});

describe('deployment enrichment', () => {
  it('builds application, monitor and about URLs from host and cleaned path', () => {
    const d = enrich();
    expect(d.applicationUrl).toBe('https://app.example.test/kth-azure-app');
    expect(d.monitorUrl).toBe('https://app.example.test/kth-azure-app/_monitor');
    expect(d.aboutUrl).toBe('https://app.example.test/kth-azure-app/_about');
  });
  it('keeps URL fields already in the payload', () => {
    const d = enrich({ monitorUrl: 'https://custom.test/health', applicationUrl: 'https://custom.test/' });
    expect(d.monitorUrl).toBe('https://custom.test/health');
    expect(d.applicationUrl).toBe('https://custom.test/');
    expect(d.aboutUrl).toBe('');
  });
  it("derives the about URL from host and path when the monitor URL ends in /_monitor, even someone else's", () => {
    const d = enrich({ monitorUrl: 'https://elsewhere.test/x/_monitor' });
    expect(d.monitorUrl).toBe('https://elsewhere.test/x/_monitor');
    expect(d.aboutUrl).toBe('https://app.example.test/kth-azure-app/_about');
  });
  it('reads a monitor URL that is not http(s) as none, and then derives neither about URL nor pattern', () => {
    // Aspen's own test data sends the label se.kth.monitorUrl=/_monitor.
    const d = enrich({ monitorUrl: '/_monitor' });
    expect([d.monitorUrl, d.aboutUrl, d.monitorPattern]).toEqual(['', '', '']);
  });
  it('keeps an empty label as sent instead of deriving: monitor URL, monitor pattern and team', () => {
    const d = enrich({ monitorUrl: '', monitorPattern: '', team: '' });
    expect([d.monitorUrl, d.monitorPattern, d.team]).toEqual(['', '', null]);
  });
  it('treats a field sent as null as not sent', () => {
    expect(enrich({ monitorUrl: null, team: null, monitorPattern: null })).toMatchObject({
      monitorUrl: 'https://app.example.test/kth-azure-app/_monitor',
      team: 'team-studadm',
      monitorPattern: 'APPLICATION_STATUS: OK',
    });
  });
  it('leaves the URL fields empty when there is no path', () => {
    const d = enrich({ applicationPath: null });
    expect([d.applicationUrl, d.monitorUrl, d.aboutUrl, d.monitorPattern]).toEqual(['', '', '', '']);
  });
  it('uses the api host for an api path with a trailing slash', () => {
    const d = enrich({ applicationPath: '/api/webtex/;ReplacePathRegex' });
    expect(d.applicationUrl).toBe('https://api.example.test/api/webtex/');
    expect(d.monitorUrl).toBe('https://api.example.test/api/webtex/_monitor');
  });
  it('picks the friendly name: English, else Swedish, else the application name', () => {
    expect(enrich().friendlyName).toBe('Monitor application');
    expect(enrich({ publicNameEnglish: null }).friendlyName).toBe('Monitorapp');
    expect(enrich({ publicNameEnglish: '', publicNameSwedish: null }).friendlyName).toBe('kth-azure-app');
    expect(friendlyNameOf({ applicationName: 'a', publicNameEnglish: '  ' })).toBe('a');
  });
  it('drops double quotes from names, as the getters subscribers read did', () => {
    const d = enrich({ publicNameEnglish: 'The "best" app', applicationName: '"kth-azure-app"' });
    expect([d.friendlyName, d.publicNameEnglish, d.applicationName]).toEqual([
      'The best app',
      'The best app',
      'kth-azure-app',
    ]);
  });
  it('keeps a given monitor pattern, else uses UTR_KEYWORD or the default when there is a monitor URL', () => {
    expect(enrich({ monitorPattern: 'OK!' }).monitorPattern).toBe('OK!');
    expect(enrich().monitorPattern).toBe('APPLICATION_STATUS: OK');
    expect(enrich({}, { ...HOSTS_ENV, UTR_KEYWORD: 'ALL_GOOD' }).monitorPattern).toBe('ALL_GOOD');
  });
  it('keeps a given team, else finds one in the channel names, else null', () => {
    expect(enrich({ team: 'team-x' }).team).toBe('team-x');
    expect(enrich().team).toBe('team-studadm');
    expect(enrich({ slackChannels: '#random' }).team).toBeNull();
  });
  it('maps team-kursinfo channels to team-kursinformation and honours a configured team list', () => {
    expect(enrich({ slackChannels: '#team-kursinfo-alerts' }).team).toBe('team-kursinformation');
    expect(enrich({ slackChannels: '#squad-blue' }, { ...HOSTS_ENV, TEAMS: 'squad-blue,ops=team-ops' }).team).toBe(
      'squad-blue',
    );
    expect(enrich({ slackChannels: '#ops-alerts' }, { ...HOSTS_ENV, TEAMS: 'squad-blue,ops=team-ops' }).team).toBe(
      'team-ops',
    );
  });
  it('treats zero, absent or empty replicas as a removal', () => {
    expect(enrich({ replicas: 0 })).toMatchObject({ replicas: 0, removal: true });
    expect(enrich({ replicas: null })).toMatchObject({ replicas: 0, removal: true });
    expect(enrich({ replicas: ' ' })).toMatchObject({ replicas: 0, removal: true });
    expect(enrich({ replicas: '3' })).toMatchObject({ replicas: 3, removal: false });
  });
  it('keeps "global" and other text sent as replicas, as a running service', () => {
    expect(enrich({ replicas: 'global' })).toMatchObject({ replicas: 'global', removal: false });
    expect(enrich({ replicas: '"${REPLICAS}" ' })).toMatchObject({ replicas: '${REPLICAS}', removal: false });
  });
  it("builds the original's log-search link from cluster, image and version", () => {
    expect(enrich().logSearchUrl).toBe(
      'https://graylog.example.test/search?rangetype=relative&fields=message%2Csource&width=2560&highlightMessage=' +
        '&relative=3600&q=source%3Aactive+AND+image_name%3A/.%2Akth-azure-app%3A2.0.11_abc123.%2A/',
    );
    expect(logSearchUrl(undefined, 'active', 'a', '1')).toBeNull();
    expect(enrich({ version: null }).logSearchUrl).toBeNull();
    expect(enrich({ cluster: '' }).logSearchUrl).toBeNull();
    expect(logSearchUrl('https://g.test/', 'x&y z', 'a', '1')).toContain('https://g.test/search?');
    expect(logSearchUrl('https://g.test', 'x&y z', 'a', '1')).toContain('source%3Ax%26y%20z+AND');
  });
  it('parses detectify tokens and accessibility URLs as sorted sets without empty items', () => {
    const d = enrich({
      detectifyProfileTokens: 'def, abc,abc,',
      accessibilityUrls: ['https://b', 'https://a'],
      testAccessibility: 'true',
    });
    expect(d.detectifyProfileTokens).toEqual(['abc', 'def']);
    expect(d.accessibilityUrls).toEqual(['https://a', 'https://b']);
    expect(d.testAccessibility).toBe(true);
  });
  it('reads testAccessibility as on for any text but an off word', () => {
    const flag = (value: unknown) => enrich({ testAccessibility: value }).testAccessibility;
    expect([flag('true'), flag('yes'), flag('"on"'), flag('enabled'), flag(true)]).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([flag('false'), flag('No'), flag('0'), flag(' off '), flag(''), flag(null), flag(false)]).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
  it('orders channels by code point and finds the team in that order, case-sensitively', () => {
    const d = enrich({ slackChannels: '#team-studadm-x,#team-e-larande,#Team-Pipeline' });
    expect(d.slackChannels).toEqual(['#Team-Pipeline', '#team-e-larande', '#team-studadm-x']);
    expect(d.team).toBe('team-e-larande');
  });
  it('turns created Unix seconds with a fraction into an ISO time', () => {
    expect(createdToIso('1763800000.123456')).toBe('2025-11-22T08:26:40.123Z');
    expect(createdToIso(null)).toBeNull();
    expect(enrich({ created: '' }).createdAt).toBeNull();
  });
});

describe('channels', () => {
  it('trims, de-duplicates and keeps only #names', () => {
    expect(parseSlackChannels(' #a, b ,#a,#c,, #')).toEqual(['#a', '#c']);
    expect(parseSlackChannels(null)).toEqual([]);
    expect(deploymentChannels(' #c, b ,#a,#c,, #')).toEqual(['#a', '#c']);
  });
  it('finds the first team of the first channel that names one', () => {
    expect(teamFromChannels(['#x', '#team-pipeline-ci'], [{ match: 'team-pipeline', team: 'team-pipeline' }])).toBe(
      'team-pipeline',
    );
  });
});

describe('errors and recommendations', () => {
  it('parse their channels and keep message and stack trace', () => {
    expect(enrichError({ message: 'boom', slackChannels: '#a,x', stackTrace: null })).toEqual({
      message: 'boom',
      stackTrace: null,
      slackChannels: ['#a'],
      applicationName: null,
      cluster: null,
      logUrl: null,
    });
    expect(enrichRecommendation({ message: 'do it', slackChannels: '#team-e-larande' }, config())).toMatchObject({
      slackChannels: ['#team-e-larande'],
      team: 'team-e-larande',
    });
  });
});
