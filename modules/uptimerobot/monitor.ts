import {
  KEYWORD_MISSING,
  KEYWORD_MONITOR_TYPE,
  SLACK_CONTACT_TYPE,
  type MonitorFields,
  type UptimeRobotClient,
  type UtrAlertContact,
  type UtrMonitor,
} from './client.js';
import type { UptimeRobotConfig } from './config.js';
import type { CheckResult, Deployment, Logger } from '../../src/module-api.js';

export type MonitorDecision = { act: true } | { act: false; reason: string };

/** The original's four conditions, in its order; the first one that fails is the reason given. */
export function decideMonitoring(
  deployment: Deployment,
  config: Pick<UptimeRobotConfig, 'clusters' | 'excludedApps'>,
): MonitorDecision {
  if (!deployment.applicationPath) return { act: false, reason: 'no applicationPath (not published)' };
  if (!deployment.cluster || !config.clusters.includes(deployment.cluster)) {
    return { act: false, reason: `cluster ${deployment.cluster ?? '(none)'} is not in UTR_CLUSTERS` };
  }
  if (config.excludedApps.includes(deployment.applicationName)) {
    return { act: false, reason: `${deployment.applicationName} is in UTR_EXCLUDED_APPS` };
  }
  if (!deployment.monitorUrl) return { act: false, reason: 'no monitor URL (no host configured for the cluster)' };
  return { act: true };
}

const bare = (name: string) => name.trim().replace(/^#/, '').toLowerCase();

/**
 * The Slack-type contact to alert: the one named after the team, else (as the original did) one named
 * after one of the deployment's channels, else the configured default. Only contacts named like a Slack
 * channel count, as in the original. null when not even the default exists.
 */
export function selectAlertContact(
  contacts: readonly UtrAlertContact[],
  deployment: Pick<Deployment, 'team' | 'slackChannels'>,
  defaultName: string,
): UtrAlertContact | null {
  const slack = contacts.filter(
    (contact) => Number(contact.type) === SLACK_CONTACT_TYPE && contact.friendly_name?.startsWith('#'),
  );
  const named = (name: string) => slack.find((contact) => bare(contact.friendly_name) === bare(name));
  if (deployment.team) {
    const byTeam = named(deployment.team);
    if (byTeam) return byTeam;
  }
  for (const channel of deployment.slackChannels) {
    const byChannel = named(channel);
    if (byChannel) return byChannel;
  }
  return named(defaultName) ?? null;
}

/**
 * The keyword monitor UptimeRobot should hold for a deployment. Threshold and recurrence (`_0_0`) are
 * the free plan's only values. Without any matching contact the field is left out: the original sent -1,
 * which is no contact id at all.
 */
export function monitorFields(deployment: Deployment, contact: UtrAlertContact | null): MonitorFields {
  return {
    type: String(KEYWORD_MONITOR_TYPE),
    url: deployment.monitorUrl,
    friendly_name: deployment.friendlyName,
    keyword_type: String(KEYWORD_MISSING),
    keyword_value: deployment.monitorPattern,
    ...(contact ? { alert_contacts: `${contact.id}_0_0` } : {}),
  };
}

/** editMonitor cannot change a monitor's type, so it is not sent there; everything else is. */
export function editFields(fields: MonitorFields): MonitorFields {
  const { type: _type, ...rest } = fields;
  return rest;
}

/** The original's search: by monitor URL first, then by friendly name; the first hit is the monitor. */
export async function findMonitor(
  client: UptimeRobotClient,
  deployment: Deployment,
  signal?: AbortSignal,
): Promise<UtrMonitor | null> {
  const byUrl = await client.searchMonitors(deployment.monitorUrl, signal);
  if (byUrl[0]) return byUrl[0];
  const byName = await client.searchMonitors(deployment.friendlyName, signal);
  return byName[0] ?? null;
}

export function skipped(reason: string): CheckResult {
  return { notify: false, summary: `skipped: ${reason}` };
}

/** One deployment's effect on UptimeRobot: create, edit or (on removal, behind the flag) delete its monitor. */
export async function syncMonitor(
  deps: { client: UptimeRobotClient; config: UptimeRobotConfig; logger: Logger; signal?: AbortSignal },
  deployment: Deployment,
): Promise<CheckResult> {
  const { client, config, logger, signal } = deps;
  const decision = decideMonitoring(deployment, config);
  if (!decision.act) return skipped(decision.reason);
  const url = deployment.monitorUrl;

  if (deployment.removal) {
    // A removed application must never get a monitor, whatever the flag says.
    if (!config.deleteOnZeroReplicas) {
      return skipped('zero replicas; monitor left as it is (FEATURE_FLAG_UTR_DELETE_ON_ZERO_REPLICAS is off)');
    }
    const existing = await findMonitor(client, deployment, signal);
    if (!existing) return skipped(`zero replicas and no monitor found for ${url}`);
    const id = await client.deleteMonitor(existing.id, signal);
    logger.info('deleted UptimeRobot monitor', { monitorId: id, url });
    return {
      summary: `No longer monitoring ${url} (deleted monitor ${id})`,
      link: url,
      details: { action: 'deleted', monitorId: id, url },
    };
  }

  const existing = await findMonitor(client, deployment, signal);
  const contacts = await client.alertContacts(signal);
  const contact = selectAlertContact(contacts, deployment, config.defaultAlertContact);
  if (!contact) {
    logger.warn('no UptimeRobot Slack alert contact matches the team or the default', {
      team: deployment.team,
      defaultAlertContact: config.defaultAlertContact,
    });
  }
  const fields = monitorFields(deployment, contact);
  const action = existing ? 'edited' : 'created';
  const id = existing
    ? await client.editMonitor(existing.id, editFields(fields), signal)
    : await client.newMonitor(fields, signal);
  logger.info(`${action} UptimeRobot monitor`, { monitorId: id, url, alertContact: contact?.friendly_name ?? null });
  return {
    summary: `Monitoring ${url} (${action} monitor ${id})`,
    link: url,
    details: {
      action,
      monitorId: id,
      url,
      friendlyName: deployment.friendlyName,
      keyword: deployment.monitorPattern,
      alertContact: contact ? { id: contact.id, name: contact.friendly_name } : null,
    },
  };
}
