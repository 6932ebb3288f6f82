import { parseCoreConfig } from '../../src/config/config.js';
import {
  aboutUrlFrom,
  cleanApplicationPath,
  createdToIso,
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
    expect(cleanApplicationPath('  /app/x ; PathPrefixStrip:/app')).toBe('/app/x');
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
  it('derives the about URL only from a monitor URL ending in /_monitor', () => {
    expect(aboutUrlFrom('https://h/app/_monitor')).toBe('https://h/app/_about');
    expect(aboutUrlFrom('https://h/app/health')).toBe('');
    expect(aboutUrlFrom('')).toBe('');
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
  it('treats zero or absent replicas as a removal', () => {
    expect(enrich({ replicas: 0 })).toMatchObject({ replicas: 0, removal: true });
    expect(enrich({ replicas: null })).toMatchObject({ replicas: 0, removal: true });
    expect(enrich({ replicas: '3' })).toMatchObject({ replicas: 3, removal: false });
  });
  it('builds the log-search link from cluster, image and version', () => {
    const url = enrich().logSearchUrl!;
    expect(url.startsWith('https://graylog.example.test/search?rangetype=relative&relative=86400&q=')).toBe(true);
    expect(decodeURIComponent(url.split('q=')[1]!)).toBe(
      'source:active AND image_name:/.*kth-azure-app:2.0.11_abc123.*/',
    );
    expect(logSearchUrl(undefined, 'active', 'a', '1')).toBeNull();
    expect(enrich({ version: null }).logSearchUrl).toBeNull();
  });
  it('parses detectify tokens and accessibility URLs as lists', () => {
    const d = enrich({
      detectifyProfileTokens: 'abc, def,abc',
      accessibilityUrls: ['https://a', 'https://b'],
      testAccessibility: 'true',
    });
    expect(d.detectifyProfileTokens).toEqual(['abc', 'def']);
    expect(d.accessibilityUrls).toEqual(['https://a', 'https://b']);
    expect(d.testAccessibility).toBe(true);
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
