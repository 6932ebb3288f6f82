import type { PageMode } from '../test/fakes/flapping-endpoint.js';

/**
 * The demo's hour: a dozen applications of seven teams on two clusters, and what happens to them, minute by
 * minute. Pure data: `fill.ts` plays it against a hub. Bodies are shaped as Aspen sends them (labels of the
 * application's docker-stack.yml, `null` for absent values); errors also name their application and cluster,
 * fields the hub accepts beyond Aspen's three so that the change failure rate can count them.
 */
export type Cluster = 'stage' | 'active';
export const CLUSTERS: readonly Cluster[] = ['stage', 'active'];

export interface DemoApp {
  name: string;
  /** Aspen's `se.kth.slackChannels` label: the team is found in these names. */
  channels: string;
  /** `applicationPath` as Aspen sends it, Traefik rule suffix and all. */
  path: string;
  importance: 'high' | 'medium' | 'low';
  replicas: number;
  publicNameSwedish: string;
  publicNameEnglish: string;
  descriptionSwedish: string;
  descriptionEnglish: string;
  /** What runs on both clusters when the hour starts. */
  version: string;
}

export const APPS: readonly DemoApp[] = [
  app('kursinfo-web', '#team-kursinfo', '/student/kurser/kurs;PathPrefix', 'high', 4, '5.12.0_3f9a1c2', [
    'Kursinformation',
    'Course information',
    'Kurs- och programinformation för studenter',
    'Course and programme information for students',
  ]),
  app('kursinfo-admin-web', '#team-kursinfo', '/kursinfo-admin;PathPrefix', 'medium', 2, '2.3.0_77a1b3e', [
    'Administrera kursinformation',
    'Course information admin',
    'Där lärare redigerar kursinformation',
    'Where teachers edit course information',
  ]),
  app('lms-sync-users', '#team-e-larande,#lms-alerts', '/api/lms-sync-users', 'high', 1, '3.3.7_a1e9f00', [
    'LMS användarsynk',
    'LMS user sync',
    'Synkar användare och registreringar till Canvas',
    'Syncs users and enrolments to Canvas',
  ]),
  app('lms-export-results', '#team-e-larande', '/api/lms-export-results', 'medium', 1, '1.9.2_4c3b2a1', [
    'Resultatexport',
    'Result export',
    'Exporterar resultat från Canvas till Ladok',
    'Exports results from Canvas to Ladok',
  ]),
  app('ladok-sync', '#team-studadm', '/api/ladok-sync', 'high', 2, '7.0.4_bb81c3d', [
    'Ladok-synk',
    'Ladok sync',
    'Läser Ladoks händelseflöde',
    "Reads Ladok's event feed",
  ]),
  app('exam-registration-web', '#team-digitalexam,#exam-ops', '/tentamen;PathPrefix', 'high', 3, '4.2.0_6e1f0a8', [
    'Tentamensanmälan',
    'Exam registration',
    'Anmälan till skriftliga tentamina',
    'Registration for written exams',
  ]),
  app('kth-azure-app', '#team-pipeline', '/kth-azure-app;ReplacePathRegex', 'low', 2, '2.0.11_abc1234', [
    'Monitorapp',
    'Monitor application',
    'Monitorapp för klustret',
    'Monitor application for the cluster',
  ]),
  app('pipeline-dashboard', '#team-pipeline', '/pipeline', 'low', 1, '0.18.3_11aa22b', [
    'Pipelineöversikt',
    'Pipeline dashboard',
    'Vad som är driftsatt var',
    'What is deployed where',
  ]),
  app('kth-style-web', '#team-kth-webb', '/style', 'medium', 2, '9.4.1_8f8f0a1', [
    'KTH:s stilguide',
    'KTH style guide',
    'Komponenter och stilmallar för kth.se',
    'Components and style sheets for kth.se',
  ]),
  app('profiles-web', '#team-kth-webb', '/profile', 'medium', 2, '6.0.2_c0ffee1', [
    'Personliga profiler',
    'Personal profiles',
    'Profilsidor för anställda',
    "Staff members' profile pages",
  ]),
  app('ug-rest-api', '#team-integration', '/api/ug', 'high', 2, '1.22.0_5a5b5c5', [
    'UG REST API',
    'UG REST API',
    'Användare och grupper från UG',
    'Users and groups from UG',
  ]),
  app('kopps-public', '#team-integration', '/api/kopps/v2', 'high', 3, '3.8.0_90ab12c', [
    'Kopps publikt API',
    'Kopps public API',
    'Kurs- och programdata från Kopps',
    'Course and programme data from Kopps',
  ]),
];

function app(
  name: string,
  channels: string,
  path: string,
  importance: DemoApp['importance'],
  replicas: number,
  version: string,
  [publicNameSwedish, publicNameEnglish, descriptionSwedish, descriptionEnglish]: string[],
): DemoApp {
  return {
    name,
    channels,
    path,
    importance,
    replicas,
    version,
    publicNameSwedish: publicNameSwedish!,
    publicNameEnglish: publicNameEnglish!,
    descriptionSwedish: descriptionSwedish!,
    descriptionEnglish: descriptionEnglish!,
  };
}

export function findApp(name: string): DemoApp {
  const found = APPS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no demo application ${name}`);
  return found;
}

/** The path the hub derives the monitor URL from: the application path without its Traefik rule, then /_monitor. */
export function monitorPath(demoApp: DemoApp): string {
  return `${demoApp.path.split(';', 1)[0]}/_monitor`;
}

/** The teams of the external check's runs: every team that owns an application (the hub finds them the same way). */
export const TEAMS = [
  'team-kursinformation',
  'team-e-larande',
  'team-studadm',
  'team-digitalexam',
  'team-pipeline',
  'team-kth-webb',
  'team-integration',
] as const;
export type Team = (typeof TEAMS)[number];

/** One audit of one team: the result the external check reports, and errors met on the way. */
export interface AuditResult {
  status: 'ok' | 'info' | 'warning' | 'error';
  score: number;
  message: string;
  errors?: Array<{ error: string; detail?: string }>;
}

export type Step =
  /** Aspen deployed `version` (built `lead` minutes before); `replicas` 0 is a removal. */
  | { at: number; kind: 'deploy'; app: string; cluster: Cluster; version: string; lead: number; replicas?: number }
  /** Aspen failed a deployment and reports it (a stack trace when the failure was unexpected). */
  | { at: number; kind: 'error'; app: string; cluster: Cluster; step: string; text: string; trace: string | null }
  /** Aspen's label recommendation. */
  | { at: number; kind: 'recommend'; app: string; text: string }
  /** The application's monitor page starts answering like this (then endpoint health runs twice). */
  | { at: number; kind: 'page'; app: string; cluster: Cluster; mode: PageMode; why: string }
  /** The webhook's receiver goes down (answers 500) or comes back. */
  | { at: number; kind: 'receiver'; down: boolean }
  /** The external check starts a run per team; `finish` reports their results a few minutes later. */
  | { at: number; kind: 'audit-start'; round: number }
  | { at: number; kind: 'audit-finish'; round: number }
  /** The hub's self-check runs (it sees the webhook's dead deliveries). */
  | { at: number; kind: 'self-check' };

const PULL_DENIED = [
  'Traceback (most recent call last):',
  '  File "/repo/modules/steps/base_pipeline_step.py", line 89, in run_pipeline_step',
  '    pipeline_data = self.run_step(pipeline_data)',
  '  File "/repo/modules/steps/deploy_application.py", line 30, in run_step',
  '    self.run_deploy(pipeline_data, application_env)',
  '  File "/repo/modules/steps/deploy_application.py", line 63, in run_deploy',
  '    deploy_output = self.run_docker_cmd(cmd)',
  '  File "/repo/modules/util/process.py", line 14, in run_with_output',
  "    completed_process = subprocess.run(f'{cmd}', shell=True,",
  '  File "/usr/local/lib/python3.8/subprocess.py", line 512, in run',
  '    raise CalledProcessError(retcode, process.args,',
  "subprocess.CalledProcessError: Command 'DOCKER_TLS_VERIFY=1 docker -H tcp://10.28.21.4 stack deploy --with-registry-auth --compose-file /repo/stacks/kth-style-web/docker-stack.yml kth-style-web' returned non-zero exit status 1.",
].join('\n');

const NO_REPLICAS = [
  'Traceback (most recent call last):',
  '  File "/repo/modules/steps/base_pipeline_step.py", line 89, in run_pipeline_step',
  '    pipeline_data = self.run_step(pipeline_data)',
  '  File "/repo/modules/steps/verify_deploy_success.py", line 41, in run_step',
  '    self.wait_for_service_replication(pipeline_data, service)',
  '  File "/repo/modules/steps/verify_deploy_success.py", line 56, in wait_for_service_replication',
  '    if match.group(1) == match.group(2):',
  "AttributeError: 'NoneType' object has no attribute 'group'",
].join('\n');

const REGISTRY_TIMEOUT = [
  'Traceback (most recent call last):',
  '  File "/usr/local/lib/python3.8/site-packages/urllib3/connection.py", line 159, in _new_conn',
  '    conn = connection.create_connection(',
  '  File "/usr/local/lib/python3.8/site-packages/urllib3/util/connection.py", line 84, in create_connection',
  '    raise err',
  '  File "/usr/local/lib/python3.8/site-packages/urllib3/util/connection.py", line 74, in create_connection',
  '    sock.connect(sa)',
  'TimeoutError: [Errno 110] Connection timed out',
  '',
  'During handling of the above exception, another exception occurred:',
  '',
  'Traceback (most recent call last):',
  '  File "/repo/modules/steps/base_pipeline_step.py", line 89, in run_pipeline_step',
  '    pipeline_data = self.run_step(pipeline_data)',
  '  File "/repo/modules/steps/get_image_tags.py", line 37, in run_step',
  '    tags = self.get_tags_from_registry(pipeline_data, service)',
  '  File "/repo/modules/steps/get_image_tags.py", line 52, in get_tags_from_registry',
  '    response = requests.get(url, auth=auth, timeout=10)',
  '  File "/usr/local/lib/python3.8/site-packages/requests/adapters.py", line 516, in send',
  '    raise ConnectionError(e, request=request)',
  "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='kthregistry.azurecr.io', port=443): Max retries exceeded with url: /v2/ug-rest-api/tags/list",
].join('\n');

const BAD_STACK_FILE = [
  'Traceback (most recent call last):',
  '  File "/repo/modules/steps/base_pipeline_step.py", line 89, in run_pipeline_step',
  '    pipeline_data = self.run_step(pipeline_data)',
  '  File "/repo/modules/steps/parse_stack_file.py", line 27, in run_step',
  '    parsed = yaml.safe_load(stack_file_content)',
  '  File "/usr/local/lib/python3.8/site-packages/yaml/scanner.py", line 577, in fetch_value',
  '    raise ScannerError(None, None,',
  'yaml.scanner.ScannerError: mapping values are not allowed here',
  '  in "<unicode string>", line 23, column 18:',
  '          memory: 512M: 1G',
  '                      ^',
].join('\n');

/** Versions deployed during the hour, per application. */
const NEXT = {
  'kursinfo-web': ['5.12.1_8be04d7', '5.13.0_c41d2e9'],
  'kursinfo-admin-web': ['2.3.1_09cd4f1'],
  'lms-sync-users': ['3.4.0_5d2c8b1', '3.4.1_e7f3a92'],
  'ladok-sync': ['7.1.0_2a9f6e4'],
  'exam-registration-web': ['4.3.0_d0c9b7e'],
  'kth-azure-app': ['2.0.12_fe9d871'],
  'pipeline-dashboard': ['0.19.0_3c4d5e6'],
  'profiles-web': ['6.1.0_beefca5'],
  'ug-rest-api': ['1.22.1_7d7e7f0'],
  'kopps-public': ['3.8.1_dd34ef5', '3.8.2_0f1e2d3'],
} as const;

const deploy = (at: number, name: keyof typeof NEXT, cluster: Cluster, release: number, lead: number): Step => ({
  at,
  kind: 'deploy',
  app: name,
  cluster,
  version: NEXT[name][release]!,
  lead,
});

/**
 * The hour, in minutes from its start. It opens with Aspen's sync of both clusters (every application's current
 * version), then: releases go to stage and, some minutes later, to active; a release whose pods never come up is
 * reported and fixed by the next one; a release whose monitor page loses its keyword alerts and recovers; a
 * registry outage repeats one error (an error storm); the webhook's receiver is down for twelve minutes; an
 * application is decommissioned; a team's dependency audit warns twice and alerts.
 */
export function demoHour(): Step[] {
  const sync: Step[] = APPS.flatMap((demoApp, index) =>
    CLUSTERS.map((cluster): Step => ({
      at: Math.floor(index / 2) + (cluster === 'active' ? 1 : 0),
      kind: 'deploy',
      app: demoApp.name,
      cluster,
      version: demoApp.version,
      lead: 45 + ((index * 37) % 150),
    })),
  );
  const steps: Step[] = [
    ...sync,
    { at: 3, kind: 'audit-start', round: 1 },
    { at: 5, kind: 'audit-finish', round: 1 },
    {
      at: 7,
      kind: 'error',
      app: 'kth-style-web',
      cluster: 'stage',
      step: 'DeployApplication',
      text: "b'Error response from daemon: pull access denied for kthregistry.azurecr.io/kth-style-web, repository does not exist or may require docker login'",
      trace: PULL_DENIED,
    },
    {
      at: 9,
      kind: 'recommend',
      app: 'kursinfo-web',
      text: ':rocket: Improve your app by adding\n `se.kth.detectify.profileToken="Profile token från Detectify"`',
    },
    deploy(10, 'kursinfo-web', 'stage', 0, 25),
    deploy(11, 'exam-registration-web', 'stage', 0, 30),
    deploy(12, 'profiles-web', 'stage', 0, 18),
    deploy(13, 'exam-registration-web', 'active', 0, 32),
    {
      at: 14,
      kind: 'page',
      app: 'exam-registration-web',
      cluster: 'active',
      mode: 'missing',
      why: 'its database connection pool is exhausted',
    },
    deploy(15, 'lms-sync-users', 'stage', 0, 20),
    { at: 16, kind: 'audit-start', round: 2 },
    deploy(17, 'kursinfo-web', 'active', 0, 33),
    deploy(18, 'lms-sync-users', 'active', 0, 24),
    { at: 18, kind: 'audit-finish', round: 2 },
    deploy(19, 'kursinfo-admin-web', 'stage', 0, 21),
    { at: 20, kind: 'receiver', down: true },
    {
      at: 21,
      kind: 'error',
      app: 'lms-sync-users',
      cluster: 'active',
      step: 'VerifyDeploySuccess',
      text: "'NoneType' object has no attribute 'group'",
      trace: NO_REPLICAS,
    },
    deploy(22, 'ug-rest-api', 'stage', 0, 15),
    deploy(23, 'pipeline-dashboard', 'stage', 0, 12),
    {
      at: 24,
      kind: 'recommend',
      app: 'lms-export-results',
      text: ':bulb: Psst dude you forgot\n `se.kth.importance="Övervakningsvikt. Värden: low, medium eller high."`',
    },
    deploy(25, 'ladok-sync', 'stage', 0, 40),
    { at: 26, kind: 'page', app: 'exam-registration-web', cluster: 'active', mode: 'ok', why: 'the pool was resized' },
    deploy(27, 'kopps-public', 'stage', 0, 22),
    ...[29, 30, 31].map((at): Step => ({
      at,
      kind: 'error',
      app: 'ug-rest-api',
      cluster: 'active',
      step: 'GetImageTags',
      text: "HTTPSConnectionPool(host='kthregistry.azurecr.io', port=443): Max retries exceeded with url: /v2/ug-rest-api/tags/list",
      trace: REGISTRY_TIMEOUT,
    })),
    { at: 31, kind: 'audit-start', round: 3 },
    { at: 32, kind: 'receiver', down: false },
    deploy(33, 'lms-sync-users', 'stage', 1, 10),
    { at: 33, kind: 'audit-finish', round: 3 },
    { at: 34, kind: 'self-check' },
    deploy(35, 'lms-sync-users', 'active', 1, 12),
    deploy(36, 'ug-rest-api', 'active', 0, 29),
    {
      at: 37,
      kind: 'recommend',
      app: 'ug-rest-api',
      text: ':star: All the cool kids have it\n `se.kth.description.swedish="Kort beskrivning av applikationen"`',
    },
    { at: 38, kind: 'page', app: 'kopps-public', cluster: 'stage', mode: 'http-500', why: 'a bad migration' },
    deploy(39, 'profiles-web', 'active', 0, 45),
    {
      at: 40,
      kind: 'deploy',
      app: 'lms-export-results',
      cluster: 'stage',
      version: '1.9.2_4c3b2a1',
      lead: 0,
      replicas: 0,
    },
    deploy(41, 'kth-azure-app', 'stage', 0, 8),
    { at: 42, kind: 'page', app: 'profiles-web', cluster: 'stage', mode: 'slow', why: 'a slow LDAP lookup' },
    {
      at: 44,
      kind: 'error',
      app: 'profiles-web',
      cluster: 'stage',
      step: 'ResourcePolicyChecker',
      text: 'docker-stack.yml has bad resource policy',
      trace: null,
    },
    {
      at: 45,
      kind: 'deploy',
      app: 'kursinfo-web',
      cluster: 'active',
      version: NEXT['kursinfo-web'][0],
      lead: 61,
      replicas: 6,
    },
    deploy(46, 'kopps-public', 'stage', 1, 14),
    { at: 46, kind: 'page', app: 'kopps-public', cluster: 'stage', mode: 'ok', why: 'the fix is deployed' },
    { at: 47, kind: 'audit-start', round: 4 },
    {
      at: 48,
      kind: 'deploy',
      app: 'lms-export-results',
      cluster: 'active',
      version: '1.9.2_4c3b2a1',
      lead: 0,
      replicas: 0,
    },
    { at: 49, kind: 'page', app: 'profiles-web', cluster: 'stage', mode: 'ok', why: 'LDAP answers quickly again' },
    { at: 49, kind: 'audit-finish', round: 4 },
    deploy(50, 'kth-azure-app', 'active', 0, 17),
    {
      at: 52,
      kind: 'error',
      app: 'kursinfo-admin-web',
      cluster: 'active',
      step: 'ParseStackFile',
      text: 'mapping values are not allowed here\n  in "<unicode string>", line 23, column 18',
      trace: BAD_STACK_FILE,
    },
    deploy(53, 'ladok-sync', 'active', 0, 68),
    deploy(55, 'kursinfo-web', 'stage', 1, 20),
    deploy(57, 'pipeline-dashboard', 'active', 0, 40),
    deploy(58, 'kopps-public', 'active', 1, 26),
    { at: 59, kind: 'self-check' },
  ];
  // Stable: steps of one minute keep their written order.
  return steps
    .map((step, index) => ({ step, index }))
    .sort((a, b) => a.step.at - b.step.at || a.index - b.index)
    .map(({ step }) => step);
}

/** The dependency audit of one team in one round (rounds after the hour repeat the last one's calm). */
export function auditOf(team: Team, round: number): AuditResult {
  if (team === 'team-e-larande' && (round === 2 || round === 3)) {
    return {
      status: 'warning',
      score: 71,
      message: [
        '**2** moderate advisories in *lms-sync-users*:',
        '',
        '- `axios` 1.7.2: server-side request forgery via absolute URLs (GHSA-jr5f-v2jv-69x6)',
        '- `cookie` 0.6.0: out-of-bounds characters in cookie names (GHSA-pxg6-pf52-xh8x)',
      ].join('\n'),
    };
  }
  if (team === 'team-kth-webb' && round === 3) {
    return {
      status: 'error',
      score: 0,
      message: 'Could not audit *profiles-web*: the npm registry did not answer.',
      errors: [
        {
          error: 'npm audit failed for profiles-web',
          detail:
            'npm ERR! code E503\nnpm ERR! 503 Service Unavailable - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
        },
      ],
    };
  }
  if (team === 'team-kursinformation' && round <= 2) {
    return {
      status: 'info',
      score: 96,
      message: '**1** low advisory in *kursinfo-web*: `brace-expansion` 1.1.11 (GHSA-v6h2-p8h4-qcjw)',
    };
  }
  return { status: 'ok', score: 100, message: 'No known vulnerabilities.' };
}

/** `x.y.z_hash` -> `x.y.(z+1)_<hash>`: the patch releases the demo keeps deploying after its hour. */
export function nextPatch(version: string, hash: string): string {
  const [semver] = version.split('_', 1);
  const [major, minor, patch] = (semver ?? '0.0.0').split('.').map((part) => Number(part) || 0);
  return `${major ?? 0}.${minor ?? 0}.${(patch ?? 0) + 1}_${hash}`;
}
