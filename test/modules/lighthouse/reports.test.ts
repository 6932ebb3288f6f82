import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  applicationSegment,
  isSafeSegment,
  reportId,
  reportIdsOf,
  ReportStore,
  selectPrunable,
  urlSlug,
} from '../../../modules/lighthouse/reports.js';

describe('report path segments', () => {
  it.each([
    ['kth-azure-app', 'kth-azure-app'],
    ['KTH Azure App', 'kth-azure-app'],
    ['../../etc/passwd', 'etc-passwd'],
    ['app.name_v2', 'app-name_v2'],
    ['---', 'unnamed'],
    ['', 'unnamed'],
    ['åäö', 'unnamed'],
  ])('application %j is stored as %j', (name, segment) => {
    expect(applicationSegment(name)).toBe(segment);
    expect(isSafeSegment(applicationSegment(name))).toBe(true);
  });

  it('cuts long application names', () => {
    expect(applicationSegment('a'.repeat(300))).toBe('a'.repeat(80));
  });

  it('give each URL a stable, readable slug that keeps similar URLs apart', () => {
    const slug = urlSlug('https://app.example.test/kth-azure-app/');
    expect(slug).toMatch(/^app-example-test-kth-azure-app-[0-9a-f]{8}$/);
    expect(urlSlug('https://app.example.test/kth-azure-app/')).toBe(slug);
    expect(urlSlug('https://app.example.test/kth/azure-app')).not.toBe(
      urlSlug('https://app.example.test/kth-azure/app'),
    );
    expect(urlSlug('https://app.example.test/?page=1')).not.toBe(urlSlug('https://app.example.test/?page=2'));
    expect(urlSlug('http://127.0.0.1:8080/good')).toMatch(/^127-0-0-1-8080-good-[0-9a-f]{8}$/);
    expect(isSafeSegment(urlSlug(`https://app.example.test/${'x'.repeat(500)}`))).toBe(true);
  });

  it('refuse anything the module could not have made', () => {
    for (const value of [
      '..',
      '.',
      '',
      '.hidden',
      'a/b',
      'a\\b',
      'A',
      'a b',
      'a..b',
      '%2e%2e',
      '-a',
      'x'.repeat(121),
    ]) {
      expect({ value, safe: isSafeSegment(value) }).toEqual({ value, safe: false });
    }
  });

  it('name a report by its UTC time, sortable as text', () => {
    expect(reportId(new Date('2026-11-22T08:26:40.123Z'))).toBe('20261122T082640123Z');
  });
});

describe('pruning', () => {
  const names = (ids: string[]) => ids.flatMap((id) => [`${id}.html`, `${id}.json`]);
  const ids = ['20261101T000000000Z', '20261102T000000000Z', '20261103T000000000Z', '20261104T000000000Z'];

  it('keeps the newest N reports, both formats of each', () => {
    expect(selectPrunable(names(ids), 2).sort()).toEqual(names(ids.slice(0, 2)).sort());
    expect(selectPrunable(names(ids), 4)).toEqual([]);
    expect(selectPrunable(names(ids), 10)).toEqual([]);
  });

  it('removes leftovers of interrupted writes and never touches files that are not reports', () => {
    const files = [
      ...names(ids.slice(0, 1)),
      '.20261105T000000000Z.html.tmp',
      'notes.txt',
      '20261105.html',
      '..',
      'latest.html',
    ];
    expect(selectPrunable(files, 5)).toEqual(['.20261105T000000000Z.html.tmp']);
  });

  it('lists reports newest first with the formats present', () => {
    expect(
      reportIdsOf(['20261101T000000000Z.json', '20261102T000000000Z.html', '20261101T000000000Z.html', 'x']),
    ).toEqual([
      { id: '20261102T000000000Z', formats: ['html'] },
      { id: '20261101T000000000Z', formats: ['html', 'json'] },
    ]);
  });
});

describe('the report store', () => {
  let root: string;
  let store: ReportStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'lighthouse-reports-'));
    store = new ReportStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const url = 'https://app.example.test/kth-azure-app';
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 8, minute, 0));

  it('writes both reports under <app>/<url-slug>/ and keeps the newest N per application and URL', async () => {
    for (let minute = 0; minute < 7; minute += 1) {
      await store.save(
        'KTH Azure App',
        url,
        { html: `<html>${minute}</html>`, json: `{"n":${minute}}` },
        at(minute),
        5,
      );
    }
    await store.save(
      'KTH Azure App',
      'https://app.example.test/other',
      { html: '<html>other</html>', json: '{}' },
      at(0),
      5,
    );
    await store.save('another-app', url, { html: '<html>another</html>', json: '{}' }, at(0), 5);

    const dir = path.join(root, 'kth-azure-app', urlSlug(url));
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(
      [
        '20261122T080200000Z',
        '20261122T080300000Z',
        '20261122T080400000Z',
        '20261122T080500000Z',
        '20261122T080600000Z',
      ].flatMap((id) => [`${id}.html`, `${id}.json`]),
    );
    expect(await readFile(path.join(dir, '20261122T080600000Z.json'), 'utf8')).toBe('{"n":6}');
    expect(await store.slugs('kth-azure-app')).toEqual(
      [urlSlug('https://app.example.test/other'), urlSlug(url)].sort(),
    );
    expect(await store.list('another-app', urlSlug(url))).toHaveLength(1);
  });

  it('keeps two audits of one URL in the same millisecond apart', async () => {
    const first = await store.save('app', url, { html: 'a', json: '{}' }, at(0), 5);
    const second = await store.save('app', url, { html: 'b', json: '{}' }, at(0), 5);
    expect([first.id, second.id]).toEqual(['20261122T080000000Z', '20261122T080000001Z']);
  });

  it('resolves named reports and the latest alias, and nothing else', async () => {
    await store.save('app', url, { html: 'old', json: '{"old":true}' }, at(0), 5);
    const { slug } = await store.save('app', url, { html: 'new', json: '{"new":true}' }, at(1), 5);
    const dir = path.join(root, 'app', slug);
    // A report whose JSON is missing: `latest.json` must fall back to the newest that has one.
    await writeFile(path.join(dir, '20261122T080200000Z.html'), 'newest');

    expect(await store.resolve('app', slug, 'latest')).toMatchObject({ id: '20261122T080200000Z', format: 'html' });
    expect(await store.resolve('app', slug, 'latest.html')).toMatchObject({
      id: '20261122T080200000Z',
      format: 'html',
    });
    expect(await store.resolve('app', slug, 'latest.json')).toMatchObject({
      id: '20261122T080100000Z',
      format: 'json',
    });
    expect(await store.resolve('app', slug, '20261122T080000000Z.json')).toEqual({
      id: '20261122T080000000Z',
      format: 'json',
      path: path.join(dir, '20261122T080000000Z.json'),
    });
    for (const [application, urlSlugValue, file] of [
      ['app', slug, '20261122T075900000Z.html'],
      ['app', slug, '20261122T080000000Z.txt'],
      ['app', slug, '../../../etc/passwd'],
      ['app', slug, '.20261122T080000000Z.html.tmp'],
      ['..', slug, 'latest'],
      ['app', '..', 'latest'],
      ['app', 'no-such-slug', 'latest'],
      ['no-such-app', slug, 'latest'],
    ] as const) {
      expect(await store.resolve(application, urlSlugValue, file)).toBeNull();
    }
  });

  it('refuses to build paths from unsafe segments', async () => {
    await expect(store.list('..', 'x')).rejects.toThrow('unsafe report path segment');
    await expect(store.prune('app', '../..', 1)).rejects.toThrow('unsafe report path segment');
  });
});
