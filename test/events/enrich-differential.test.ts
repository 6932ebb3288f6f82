import fc from 'fast-check';
import request from 'supertest';
import type { Deployment } from '../../src/events/enrich.js';
import { aspenInput, type AspenInput } from '../support/aspen-stacks.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { PythonLines, python3Version } from '../support/python-lines.js';

/**
 * The hub's enrichment against the original's own (test/fixtures/original-alvares, run under python3), over
 * bodies the deploy tool's own code builds (test/fixtures/aspen) from generated stack files, and over those
 * bodies with keys sent as null or left out. What is compared is what the original's subscribers read: its
 * getters after `deployment_enricher.enrich`. The deliberate differences of docs/reference/enrichment.md are
 * applied to the original's answer, each in one line of `expectedFrom`; nothing else may differ.
 */
const SEED = 25_1122;
const RUNS = { built: 700, nullsAndMissing: 300 };

/** The same site configuration for both: every cluster's hosts (two with a trailing slash), Graylog, keyword. */
const SITE = {
  ACTIVE_APP_HOST: 'https://app.example.test/',
  ACTIVE_API_HOST: 'https://api.example.test',
  STAGE_APP_HOST: 'https://app-r.example.test',
  STAGE_API_HOST: 'https://api-r.example.test',
  INTEGRAL_APP_HOST: 'https://integral.example.test/',
  INTEGRAL_API_HOST: 'https://integral-api.example.test',
  INTEGRAL_STAGE_APP_HOST: 'https://integral-r.example.test',
  INTEGRAL_STAGE_API_HOST: 'https://integral-r-api.example.test',
  GRAYLOG_HOST: 'https://graylog.example.test',
  UTR_KEYWORD: 'ALL_GOOD: yes',
};

/** What a subscriber reads, in the original's terms: '' for none, lists, booleans. */
interface View {
  [field: string]: string | boolean | string[];
}

type Body = Record<string, unknown>;

/** The original's getter results: strings ('' for none), has_zero_replicas, lists. */
interface OriginalFields {
  [field: string]: string | boolean | string[];
  cluster: string;
  imageName: string;
  version: string;
  replicas: string;
  removal: boolean;
  testAccessibility: string;
  logSearchUrl: string;
  slackChannels: string[];
  detectifyProfileTokens: string[];
  accessibilityUrls: string[];
}

interface OriginalAnswer {
  fields?: OriginalFields;
  raised?: Record<string, string>;
  enrichRaised?: string;
}

const OFF_WORDS = new Set(['false', 'no', '0', 'off']);

/** Every key of the contract a body may carry, for the null-and-missing variants. */
const CONTRACT_KEYS = [
  'cluster',
  'replicas',
  'version',
  'imageName',
  'applicationPath',
  'created',
  'slackChannels',
  'team',
  'publicNameSwedish',
  'publicNameEnglish',
  'descriptionSwedish',
  'descriptionEnglish',
  'importance',
  'detectifyProfileTokens',
  'applicationUrl',
  'monitorUrl',
  'aboutUrl',
  'monitorPattern',
  'testAccessibility',
  'accessibilityUrls',
  'publicUserDocumentationUrl',
  'privateOperationsDocumentationUrl',
] as const;

const python = python3Version();
const suite = python ? describe : describe.skip;

suite(
  `enrichment equals the original's for what Aspen sends (${python ?? 'skipped: python3 is not on the PATH'})`,
  () => {
    let hub: TestHub;
    let aspen: PythonLines;
    let original: PythonLines;

    beforeAll(async () => {
      hub = await startTestHub({ env: SITE, modules: [] });
      aspen = new PythonLines('aspen_bodies.py');
      original = new PythonLines('original_enrich.py');
      await original.ask({ op: 'env', env: SITE });
    });
    afterAll(async () => {
      await Promise.all([aspen?.close(), original?.close()]);
      await hub?.stop();
    });

    async function build(input: AspenInput): Promise<Body | null> {
      const answer = await aspen.ask<{ body?: Body; refused?: string }>({ op: 'build', ...input });
      return answer.body ?? null;
    }

    async function hubView(body: Body): Promise<View> {
      const res = await request(hub.url).post('/api/v1/deployment/enrich').send(body);
      if (res.status !== 200) throw new Error(`enrich answered ${res.status}: ${JSON.stringify(res.body)}`);
      const d = res.body as Deployment;
      return {
        applicationName: d.applicationName,
        cluster: d.cluster ?? '',
        replicas: d.removal ? (d.replicas === 0 ? '' : `a removal with replicas ${d.replicas}`) : String(d.replicas),
        removal: d.removal,
        version: d.version ?? '',
        imageName: d.imageName ?? '',
        applicationPath: d.applicationPath ?? '',
        slackChannels: d.slackChannels,
        team: d.team ?? '',
        publicNameSwedish: d.publicNameSwedish ?? '',
        publicNameEnglish: d.publicNameEnglish ?? '',
        friendlyName: d.friendlyName,
        importance: d.importance,
        detectifyProfileTokens: d.detectifyProfileTokens,
        applicationUrl: d.applicationUrl,
        monitorUrl: d.monitorUrl,
        aboutUrl: d.aboutUrl,
        monitorPattern: d.monitorPattern,
        testAccessibility: d.testAccessibility,
        accessibilityUrls: d.accessibilityUrls,
        publicUserDocumentationUrl: d.publicUserDocumentationUrl ?? '',
        privateOperationsDocumentationUrl: d.privateOperationsDocumentationUrl ?? '',
        logSearchUrl: d.logSearchUrl ?? '',
      };
    }

    /** The original's getters for the body, with the documented differences applied. */
    async function expectedFrom(body: Body): Promise<View> {
      // Documented: a key sent as null counts as not sent (the original kept it as present, or raised on it).
      const sent = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
      const answer = await original.ask<OriginalAnswer>({ op: 'enrich', body: sent });
      if (answer.enrichRaised || !answer.fields || Object.keys(answer.raised ?? {}).length > 0) {
        throw new Error(`the original raised for ${JSON.stringify(sent)}: ${JSON.stringify(answer)}`);
      }
      const o = answer.fields;
      const { quoted } = await original.ask<{ quoted: string }>({ op: 'quote', text: o.cluster });
      // Documented: a whole number sent as text is that count ("007" is 7, "00" is 0 and a removal).
      const count = /^\d+$/.test(o.replicas) && Number.isSafeInteger(Number(o.replicas)) ? Number(o.replicas) : null;
      const removal = o.removal || count === 0;
      return {
        ...o,
        replicas: removal ? '' : count === null ? o.replicas : String(count),
        removal,
        // Documented: an empty item names nothing; a bare "#" names no channel.
        slackChannels: o.slackChannels.filter((channel) => channel !== '#'),
        detectifyProfileTokens: o.detectifyProfileTokens.filter((token) => token !== ''),
        accessibilityUrls: o.accessibilityUrls.filter((url) => url !== ''),
        // Documented: "false", "no", "0" and "off" switch Lighthouse off (the original ran it for any text).
        testAccessibility: o.testAccessibility !== '' && !OFF_WORDS.has(o.testAccessibility.toLowerCase()),
        // Documented: the cluster in the log-search link is URL-encoded like the image part already was, and
        // there is no link without cluster, image or version (the original's then searched every log).
        logSearchUrl:
          o.cluster && o.imageName && o.version
            ? o.logSearchUrl.replace(`source%3A${o.cluster}+AND`, () => `source%3A${quoted}+AND`)
            : '',
      };
    }

    it(`gives the original's values for ${RUNS.built} bodies built by Aspen's own code (seed ${SEED})`, async () => {
      const seen = { built: 0, refusedByAspen: 0, global: 0, text: 0, removal: 0, count: 0 };
      await fc.assert(
        fc.asyncProperty(aspenInput, async (input) => {
          const body = await build(input);
          if (body === null) {
            seen.refusedByAspen += 1;
            return;
          }
          seen.built += 1;
          const view = await hubView(body);
          expect(view).toEqual(await expectedFrom(body));
          if (body.replicas === 'global') seen.global += 1;
          else if (view.removal) seen.removal += 1;
          else if (typeof body.replicas === 'string') seen.text += 1;
          else seen.count += 1;
        }),
        { seed: SEED, numRuns: RUNS.built },
      );
      // The generator reaches every replicas form, and Aspen builds a body for most stack files it makes.
      expect(seen.built).toBeGreaterThan(RUNS.built * 0.8);
      for (const kind of ['global', 'text', 'removal', 'count'] as const) expect(seen[kind]).toBeGreaterThan(10);
    }, 120_000);

    it(`treats a key sent as null as not sent, and gives the original's values, for ${RUNS.nullsAndMissing} bodies (seed ${SEED})`, async () => {
      const choice = fc.constantFrom('keep', 'drop', 'null');
      const variants = fc.record(
        Object.fromEntries(CONTRACT_KEYS.map((key) => [key, choice])) as Record<
          (typeof CONTRACT_KEYS)[number],
          fc.Arbitrary<'keep' | 'drop' | 'null'>
        >,
      );
      const extraUrls = fc.record({
        applicationUrl: fc.constantFrom('https://given.test/app', '/relative', ''),
        aboutUrl: fc.constantFrom('https://given.test/about', 'about', ''),
      });
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(aspenInput, variants, extraUrls, async (input, variant, urls) => {
          const built = await build(input);
          if (built === null) return;
          const full: Body = { ...built, ...urls };
          const body: Body = { applicationName: full.applicationName };
          const withoutNulls: Body = { applicationName: full.applicationName };
          for (const key of CONTRACT_KEYS) {
            const value = variant[key] === 'null' ? null : variant[key] === 'keep' ? full[key] : undefined;
            if (value === undefined) continue;
            body[key] = value;
            if (value !== null) withoutNulls[key] = value;
          }
          const view = await hubView(body);
          expect(view).toEqual(await hubView(withoutNulls));
          expect(view).toEqual(await expectedFrom(body));
          compared += 1;
        }),
        { seed: SEED, numRuns: RUNS.nullsAndMissing },
      );
      expect(compared).toBeGreaterThan(RUNS.nullsAndMissing * 0.8);
    }, 120_000);
  },
);
