import type { Deployment, ErrorReport, Recommendation } from '../../src/events/payloads.js';
import type { HubEvent, WeekFigures } from '../../src/events/types.js';
import type { TemplateKind } from '../../src/notify/templates.js';

type Transition = HubEvent<'inspection'>['payload'];
type Weekly = HubEvent<'insights.weekly'>['payload'];

/**
 * One representative payload per template kind, as the hub would hand it to a provider: the examples of
 * docs/reference/template-fields.md, and the first case the defaults are rendered against in their tests.
 */
export const SAMPLE_HUB_URL = 'https://alvares.example.test';
export const SAMPLE_EVENT_ID = '5b1c9a52-7f3e-4d21-9c0e-2a4f6b8d1e37';

export const SAMPLE_DEPLOYMENT: Deployment = {
  applicationName: 'kth-azure-app',
  cluster: 'active',
  replicas: 2,
  removal: false,
  version: '2.0.11_abc123',
  rollback: false,
  rolledBackFrom: null,
  deployedBy: null,
  imageName: 'kth-azure-app',
  applicationPath: '/kth-azure-app',
  created: '1763800000.123456',
  createdAt: '2025-11-22T08:26:40.123Z',
  slackChannels: ['#team-studadm', '#developers'],
  team: 'team-studadm',
  publicNameSwedish: 'Monitorapp',
  publicNameEnglish: 'Monitor application',
  descriptionSwedish: 'Monitorapp för klustret',
  descriptionEnglish: 'Monitor application for cluster',
  friendlyName: 'Monitor application',
  importance: 'high',
  detectifyProfileTokens: [],
  applicationUrl: 'https://app.example.test/kth-azure-app',
  monitorUrl: 'https://app.example.test/kth-azure-app/_monitor',
  aboutUrl: 'https://app.example.test/kth-azure-app/_about',
  monitorPattern: 'APPLICATION_STATUS: OK',
  testAccessibility: false,
  accessibilityUrls: [],
  publicUserDocumentationUrl: null,
  privateOperationsDocumentationUrl: null,
  logSearchUrl: 'https://graylog.example.test/search?q=kth-azure-app',
};

export const SAMPLE_REMOVAL: Deployment = { ...SAMPLE_DEPLOYMENT, replicas: 0, removal: true };

export const SAMPLE_ERROR: ErrorReport = {
  message: 'Deployment of kth-azure-app failed: image not found',
  stackTrace: 'Traceback (most recent call last):\n  File "deploy.py", line 12',
  slackChannels: ['#team-studadm'],
  applicationName: 'kth-azure-app',
  cluster: 'active',
  logUrl: 'https://ci.example.test/jobs/4711',
};

export const SAMPLE_RECOMMENDATION: Recommendation = {
  message: 'Consider upgrading Node.js to 24',
  slackChannels: ['#team-studadm'],
  applicationName: 'kth-azure-app',
  team: 'team-studadm',
};

export const SAMPLE_ALERT: Transition = {
  check: 'endpoints.health',
  kind: 'inspection',
  key: 'endpoints.health{application=kth-azure-app,cluster=active}',
  dimensions: { application: 'kth-azure-app', cluster: 'active' },
  transition: 'alert',
  status: 'error',
  previousStatus: 'ok',
  since: '2026-12-07T09:12:00.000Z',
  durationMs: 0,
  title: 'https://app.example.test/kth-azure-app/_monitor answers 503',
  message: 'Three checks in a row failed.',
  link: `${SAMPLE_HUB_URL}/checks/endpoints.health`,
  slackChannels: ['#team-studadm'],
  runId: '9d7e1f0a-3b2c-4e5d-8f6a-7b8c9d0e1f2a',
  at: '2026-12-07T09:15:00.000Z',
};

const figures = (deployments: number, failed: number, ttr: number | null, lead: number | null): WeekFigures => ({
  deployments,
  deploymentDays: Math.min(5, deployments),
  failed,
  changeFailureRate: deployments === 0 ? null : failed / deployments,
  restored: failed,
  timeToRestoreMedianMs: ttr,
  leadTimes: deployments,
  leadTimeMedianMs: lead,
});

export const SAMPLE_WEEKLY: Weekly = {
  cluster: 'active',
  week: { from: '2026-11-30T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z' },
  previousWeek: { from: '2026-11-23T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' },
  link: `${SAMPLE_HUB_URL}/insights?cluster=active`,
  overall: { current: figures(12, 3, 2_700_000, 5_400_000), previous: figures(9, 0, null, 4_000_000) },
  teams: [
    {
      team: 'team-studadm',
      slackChannels: ['#team-studadm'],
      link: `${SAMPLE_HUB_URL}/insights?cluster=active&team=team-studadm`,
      current: figures(8, 2, 2_700_000, 5_400_000),
      previous: figures(8, 0, null, 4_000_000),
    },
  ],
};

/** The sample each kind's template sees, with its event's type (a removal is a deployment; the weekly is a team's). */
export const SAMPLES: Record<TemplateKind, { type: string; payload: unknown; team?: unknown }> = {
  deployment: { type: 'deployment', payload: SAMPLE_DEPLOYMENT },
  removal: { type: 'deployment', payload: SAMPLE_REMOVAL },
  error: { type: 'error', payload: SAMPLE_ERROR },
  recommendation: { type: 'recommendation', payload: SAMPLE_RECOMMENDATION },
  alert: { type: 'inspection', payload: SAMPLE_ALERT },
  weekly: { type: 'insights.weekly', payload: SAMPLE_WEEKLY, team: SAMPLE_WEEKLY.teams[0] },
};
