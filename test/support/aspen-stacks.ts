import fc from 'fast-check';

/**
 * Generated inputs of the deploy tool (Aspen): a stack file as its ParseStackFile step hands it on, its path
 * (which names application and cluster) and the registry's tags. Aspen's own steps (test/support/python/
 * aspen_bodies.py) turn each into the body it PUTs, so the bodies are the ones the tool can produce: every
 * label it reads, present or not, empty, quoted, with commas, semicolons, colons, equals signs and Unicode
 * (control characters aside: the hub refuses them in identifiers), and every replicas form.
 */
export interface AspenInput {
  stackPath: string;
  stack: { services: Record<string, Record<string, unknown>> };
  tags: Record<string, string[]>;
}

/** The labels report_success.py reads, plus ones it ignores. */
export const ASPEN_LABELS = [
  'se.kth.slackChannels',
  'se.kth.team',
  'se.kth.publicName.swedish',
  'se.kth.publicName.english',
  'se.kth.description.swedish',
  'se.kth.description.english',
  'se.kth.importance',
  'se.kth.detectify.profileToken',
  'se.kth.monitorUrl',
  'se.kth.monitorPattern',
  'se.kth.testAccessibility',
  'se.kth.accessibilityUrls',
  'se.kth.publicUserDocumentationUrl',
  'se.kth.privateOperationsDocumentationUrl',
] as const;

const CHARACTERS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...' ,;:/#-_.=&<>*()!\'~%?@+"',
  ...'åäöÅÄÖéü',
  '\u00a0',
  '\u2003',
  '\u3000',
  '\ufeff',
  '🚀',
  '中',
];

/** Free text from characters that matter to the rules (quotes, separators, Unicode spaces, astral). */
export const freeText = (maxLength = 24) =>
  fc.array(fc.constantFrom(...CHARACTERS), { maxLength }).map((characters) => characters.join(''));

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);

/** Usually a realistic value, sometimes free text. */
const labelValue = (realistic: fc.Arbitrary<string>) => fc.oneof({ weight: 3, arbitrary: realistic }, freeText());

const channelItem = fc.oneof(
  fc.constantFrom(
    '#team-pipeline',
    '#team-studadm-x',
    '#team-e-larande',
    '#team-kursinfo-alerts',
    '#Team-Pipeline',
    '#developers',
    '#',
    '',
    ' #spaced ',
    'no-hash',
    '"#quoted"',
  ),
  word.map((name) => `#${name}`),
  freeText(10),
);
const commaList = (item: fc.Arbitrary<string>) =>
  fc.array(item, { minLength: 0, maxLength: 5 }).map((items) => items.join(','));

const url = fc.oneof(
  fc.constantFrom(
    'https://app.kth.se/kth-azure-app/_monitor',
    'https://elsewhere.test/x/_monitor',
    'https://example.com/other-monitoring-url',
    '/_monitor',
    'http://plain.test',
    'httpish',
    ' https://spaced.test/_monitor ',
    '"https://quoted.test/_monitor"',
    '',
  ),
  word.map((name) => `https://${name}.test/${name}`),
);

const VALUES: Record<(typeof ASPEN_LABELS)[number], fc.Arbitrary<string>> = {
  'se.kth.slackChannels': labelValue(commaList(channelItem)),
  'se.kth.team': labelValue(fc.constantFrom('team-pipeline', 'team-x', '', ' team-y ')),
  'se.kth.publicName.swedish': labelValue(fc.constantFrom('Monitorapp', 'Kurs "webb"', '', ' Namn ')),
  'se.kth.publicName.english': labelValue(fc.constantFrom('Monitor application', 'The "best" app', '', '  ')),
  'se.kth.description.swedish': labelValue(fc.constantFrom('Referens applikation för KTH:s kluster', '')),
  'se.kth.description.english': labelValue(fc.constantFrom('Reference application', '')),
  'se.kth.importance': labelValue(fc.constantFrom('low', 'medium', 'high', 'HIGH', 'Medium', ' high', 'critical', '')),
  'se.kth.detectify.profileToken': labelValue(commaList(fc.oneof(word, fc.constantFrom('', ' abc123 ', 'zxc456')))),
  'se.kth.monitorUrl': labelValue(url),
  'se.kth.monitorPattern': labelValue(fc.constantFrom('APPLICATION_STATUS: OK', 'ENV_TEST: active', '', ' ok ')),
  'se.kth.testAccessibility': labelValue(fc.constantFrom('true', 'false', 'yes', 'no', '0', '1', 'off', 'True', '')),
  'se.kth.accessibilityUrls': labelValue(commaList(url)),
  'se.kth.publicUserDocumentationUrl': labelValue(url),
  'se.kth.privateOperationsDocumentationUrl': labelValue(url),
};

/** `name=value`, with the value written in quotes half the time (Aspen strips them at the ends). */
const label = fc
  .oneof(
    { weight: 6, arbitrary: fc.constantFrom(...ASPEN_LABELS) },
    fc.constantFrom('se.kth.cluster', 'com.df.notify', 'label1'),
  )
  .chain((name) =>
    fc
      .tuple(name in VALUES ? VALUES[name as keyof typeof VALUES] : freeText(), fc.boolean())
      .map(([value, quoted]) => `${name}=${quoted ? `"${value}"` : value}`),
  );

/** Text without "=" or ":": a deploy label holds one "=", and Aspen takes the path up to the rule's next ":". */
const pathText = freeText(16).map((text) => text.replace(/[=:]/g, ''));

const applicationPath = fc.oneof(
  fc.constantFrom(
    '/kth-azure-app',
    '/kth-azure-app/',
    '/api/webtex;ReplacePathRegex',
    '/api/thing/',
    '/apiary',
    '/',
    ' /spaced;x',
    '"/quoted"',
    'app.kth.se',
    '',
    '/a,/b',
  ),
  word.map((name) => `/${name}`),
  pathText,
);

/** Traefik's rule ("PathPrefix:/path", more after another ":"), sometimes absent; other deploy labels around it. */
const deployLabels = fc
  .tuple(
    fc.option(
      fc.tuple(
        fc.constantFrom('PathPrefix', 'PathPrefixStrip', 'Host', 'Path'),
        applicationPath,
        fc.option(fc.constantFrom(':more', ';ReplacePathRegex: ^/x/(.*) /$1')),
      ),
    ),
    fc.subarray(['com.df.notify=true', 'traefik.enable=true', 'com.df.port=3000']),
  )
  .map(([rule, others]) => [
    ...others,
    ...(rule ? [`traefik.frontend.rule=${rule[0]}:${rule[1]}${(rule[2] ?? '').replace(/=/g, '')}`] : []),
  ]);

/** The deploy section parse_replicas.py reads: a count (quoted or not), global mode, or text the file leaves unresolved. */
const deploySection = fc.oneof(
  fc.nat({ max: 40 }).map((replicas) => ({ replicas })),
  fc.constant({ replicas: 0 }),
  fc.constantFrom({ mode: 'global' }, { mode: ' global ' }, { mode: 'global', replicas: 2 }),
  fc.constantFrom('2', '0', '007', '00', '${REPLICAS}', '"3"', 'replicas', '', ' 4 ').map((replicas) => ({ replicas })),
  fc.nat({ max: 9 }).map((replicas) => ({ mode: 'replicated', replicas })),
);

const version = fc.oneof(
  fc.stringMatching(/^[0-9]\.[0-9]{1,2}\.[0-9]{1,3}_[a-f0-9]{7}$/),
  fc.constantFrom('latest', '3.2.6-alpine'),
);

/** An image: static version, or semantic (`${WEB_VERSION}` with `~2.9.0` in the environment, resolved from tags). */
const image = fc.tuple(word, version, fc.boolean(), fc.boolean()).map(([name, tag, semver, registry]) => ({
  name,
  image: `${registry ? 'kthregistryv2.sys.kth.se/' : ''}${name}:${semver ? '${WEB_VERSION}' : tag}`,
  environment: semver ? { WEB_VERSION: '~2.9.0' } : { OTHER: 'x' },
  tags: semver ? ['2.9.202_3b01b96', '2.9.17_aaaaaaa', '2.8.1_bbbbbbb', tag] : [],
}));

const service = fc
  .tuple(image, fc.option(fc.array(label, { maxLength: 8 })), fc.option(deployLabels), deploySection)
  .map(([img, labels, deploy, section]) => ({
    image: img,
    service: {
      image: img.image,
      environment: img.environment,
      ...(labels ? { labels } : {}),
      deploy: { ...section, ...(deploy ? { labels: deploy } : {}) },
    },
  }));

const directory = fc.oneof(
  { weight: 4, arbitrary: word },
  fc.constantFrom('active', 'stage', 'integral', 'integral-stage', 'Stage', 'kth azure', 'x.y'),
);

export const aspenInput: fc.Arbitrary<AspenInput> = fc
  .tuple(directory, directory, fc.array(service, { minLength: 1, maxLength: 2 }))
  .map(([application, cluster, services]) => ({
    stackPath: `/registry/deploy/${application}/${cluster}/docker-stack.yml`,
    stack: { services: Object.fromEntries(services.map((s, i) => [i === 0 ? 'web' : `service${i}`, s.service])) },
    tags: Object.fromEntries(services.map((s) => [s.image.name, s.image.tags])),
  }));
