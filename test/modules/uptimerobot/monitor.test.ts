import { parseCoreConfig } from '../../../src/config/config.js';
import type { Deployment } from '../../../src/events/enrich.js';
import { validateAndEnrich } from '../../../src/ingest/ingest.js';
import { resolveDisabled } from '../../../src/module-system/registry.js';
import { uptimerobotModule } from '../../../modules/uptimerobot/index.js';
import { statFailError, type UtrAlertContact } from '../../../modules/uptimerobot/client.js';
import { uptimerobotConfigSchema, uptimerobotEnablement } from '../../../modules/uptimerobot/config.js';
import {
  decideMonitoring,
  editFields,
  monitorFields,
  selectAlertContact,
} from '../../../modules/uptimerobot/monitor.js';
import { aspenDeployment, HOSTS_ENV } from '../../support/aspen.js';

const core = (() => {
  const parsed = parseCoreConfig(HOSTS_ENV);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.value;
})();

/** A deployment enriched by the hub's own code, as the module receives it. */
function deployment(overrides: Record<string, unknown> = {}): Deployment {
  return validateAndEnrich('deployment', aspenDeployment(overrides), core);
}

const config = (env: Record<string, string> = {}) =>
  uptimerobotConfigSchema.parse({ UTR_CLUSTERS: 'active,stage', ...env });

const contacts: UtrAlertContact[] = [
  { id: '1001', friendly_name: '#team-pipeline', type: 11 },
  { id: '1002', friendly_name: '#team-studadm', type: 11 },
  { id: '1003', friendly_name: 'team-e-larande', type: 11 },
  { id: '1004', friendly_name: '#team-e-larande', type: 2 },
  { id: '1005', friendly_name: '#developers', type: 11 },
];

describe('uptimerobot: which deployments are monitored', () => {
  it('monitors a published app in a listed cluster with a monitor URL', () => {
    expect(decideMonitoring(deployment(), config())).toEqual({ act: true });
  });

  it('skips a deployment without an application path', () => {
    expect(decideMonitoring(deployment({ applicationPath: null }), config())).toEqual({
      act: false,
      reason: 'no applicationPath (not published)',
    });
  });

  it('skips clusters that are not in UTR_CLUSTERS, and every cluster when the list is empty', () => {
    expect(decideMonitoring(deployment({ cluster: 'integral' }), config())).toEqual({
      act: false,
      reason: 'cluster integral is not in UTR_CLUSTERS',
    });
    expect(decideMonitoring(deployment(), config({ UTR_CLUSTERS: '' }))).toMatchObject({ act: false });
  });

  it('skips apps named in UTR_EXCLUDED_APPS by exact name only', () => {
    expect(decideMonitoring(deployment(), config({ UTR_EXCLUDED_APPS: 'other, kth-azure-app' }))).toEqual({
      act: false,
      reason: 'kth-azure-app is in UTR_EXCLUDED_APPS',
    });
    // The original tested `name in "a,b"` on the raw string, so a substring excluded apps; a list does not.
    expect(decideMonitoring(deployment(), config({ UTR_EXCLUDED_APPS: 'kth-azure-app-2' }))).toEqual({ act: true });
  });

  it('skips a deployment whose cluster has no host, so no monitor URL', () => {
    expect(decideMonitoring(deployment({ cluster: 'stage', applicationPath: '/x' }), config()).act).toBe(true);
    const noHost = validateAndEnrich('deployment', aspenDeployment(), {
      ...core,
      hosts: { ...core.hosts, active: {} },
    });
    expect(decideMonitoring(noHost, config())).toEqual({
      act: false,
      reason: 'no monitor URL (no host configured for the cluster)',
    });
  });
});

describe('uptimerobot: the alert contact', () => {
  it("picks the Slack contact named after the deployment's team", () => {
    expect(selectAlertContact(contacts, { team: 'team-studadm', slackChannels: [] }, '#team-pipeline')?.id).toBe(
      '1002',
    );
  });

  it('ignores contacts that are not Slack-type (11) or not named like a channel', () => {
    expect(selectAlertContact(contacts, { team: 'team-e-larande', slackChannels: [] }, '#team-pipeline')?.id).toBe(
      '1001',
    );
  });

  it("falls back to a contact named after one of the deployment's channels, as the original matched channels", () => {
    expect(
      selectAlertContact(
        contacts,
        { team: 'team-x', slackChannels: ['#team-x-alerts', '#developers'] },
        '#team-pipeline',
      )?.id,
    ).toBe('1005');
  });

  it('uses the configured default, and gives none when the default does not exist either', () => {
    expect(selectAlertContact(contacts, { team: null, slackChannels: [] }, '#team-pipeline')?.id).toBe('1001');
    expect(selectAlertContact(contacts, { team: null, slackChannels: [] }, '#developers')?.id).toBe('1005');
    expect(selectAlertContact(contacts, { team: null, slackChannels: [] }, '#nobody')).toBeNull();
  });
});

describe('uptimerobot: monitor fields', () => {
  it('builds a keyword monitor alerting when the monitor pattern is missing', () => {
    const fields = monitorFields(deployment({ monitorPattern: 'STATUS_OK' }), contacts[1]!);
    expect(fields).toEqual({
      type: '2',
      url: 'https://app.example.test/kth-azure-app/_monitor',
      friendly_name: 'Monitor application',
      keyword_type: '2',
      keyword_value: 'STATUS_OK',
      alert_contacts: '1002_0_0',
    });
    expect(editFields(fields)).not.toHaveProperty('type');
    expect(editFields(fields)).toMatchObject({ url: fields.url, keyword_value: 'STATUS_OK' });
  });

  it('leaves alert_contacts out when no contact was found', () => {
    expect(monitorFields(deployment(), null)).not.toHaveProperty('alert_contacts');
  });
});

describe('uptimerobot: stat fail answers', () => {
  it('treats a rejected api_key as permanent and never echoes the passed value', () => {
    const error = statFailError('getMonitors', { type: 'invalid_parameter', parameter_name: 'api_key' });
    expect(error.permanent).toBe(true);
    expect(error.code).toBe('HUB_ERR_UPSTREAM_AUTH');
    expect(error.reason).toBe('UTR_AUTH');
    expect(error.message).toBe('UptimeRobot getMonitors failed: invalid_parameter (api_key)');
  });

  it("carries UptimeRobot's own message, and retries errors that are not about the request", () => {
    const notFound = statFailError('editMonitor', { type: 'not_found', message: 'monitor not found.' });
    expect(notFound.message).toBe('UptimeRobot editMonitor failed: monitor not found.');
    expect(notFound.permanent).toBe(true);
    const internal = statFailError('newMonitor', { type: 'internal_error', message: 'try later' });
    expect(internal.permanent).toBe(false);
  });
});

describe('uptimerobot: configuration', () => {
  it('takes the key from UTR_API_KEY first, then UPTIMEROBOT_API_KEY, and is off without one', () => {
    expect(config({ UTR_API_KEY: 'a-key-1', UPTIMEROBOT_API_KEY: 'b-key-2' }).apiKey).toBe('a-key-1');
    expect(config({ UPTIMEROBOT_API_KEY: 'b-key-2' }).apiKey).toBe('b-key-2');
    expect(uptimerobotEnablement(config())).toEqual({
      enabled: false,
      reason: 'no API key: set UTR_API_KEY (or UPTIMEROBOT_API_KEY)',
    });
  });

  it('has the original defaults and accepts the legacy host keys without using them', () => {
    const parsed = config({ UTR_KTH_APP_HOST: 'app.kth.se', UTR_KTH_API_HOST_STAGE: 'api-r.kth.se' });
    expect(parsed).toMatchObject({
      apiBaseUrl: 'https://api.uptimerobot.com/v2',
      defaultAlertContact: '#team-pipeline',
      deleteOnZeroReplicas: false,
      legacyHostKeysSet: ['UTR_KTH_APP_HOST', 'UTR_KTH_API_HOST_STAGE'],
    });
    expect(config({ FEATURE_FLAG_UTR_DELETE_ON_ZERO_REPLICAS: 'true' }).deleteOnZeroReplicas).toBe(true);
    expect(uptimerobotConfigSchema.safeParse({ UTR_API_BASE_URL: 'not a url' }).success).toBe(false);
  });

  it("is turned off by the original's dotted names in DISABLED_SUBSCRIBERS", () => {
    for (const name of [
      'uptimerobot',
      'modules.subscribers.uptimerobot',
      'modules.subscribers.uptimerobot.uptimerobot',
    ]) {
      expect(resolveDisabled([uptimerobotModule], [name]).disabled).toEqual(new Set(['uptimerobot']));
    }
  });
});
