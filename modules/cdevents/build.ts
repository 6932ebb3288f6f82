import { PackageURL } from 'packageurl-js';
import type { Deployment, ErrorReport, HubEvent, InspectionTransition } from '../../src/module-api.js';

/** The CDEvents spec version the hub speaks, and its type versions (spec v0.5). */
export const SPEC_VERSION = '0.5.0';
const TYPE_VERSION = '0.3.0';

export interface CdEvent {
  context: { specversion: string; id: string; source: string; type: string; timestamp: string };
  subject: { id: string; source: string; content: Record<string, unknown> };
  customData?: Record<string, unknown>;
}

/** A hub event as the CDEvent other tools read: the CloudEvent's id is the hub's event id, so a retry repeats it. */
export function toCdEvent(event: HubEvent, source: string, eventUrl: string): CdEvent | null {
  switch (event.type) {
    case 'deployment':
      return deploymentEvent(event as HubEvent<'deployment'>, source, eventUrl);
    case 'error':
      return errorEvent(event as HubEvent<'error'>, source, eventUrl);
    case 'inspection':
      return inspectionEvent(event as HubEvent<'inspection'>, source, eventUrl);
    default:
      return null;
  }
}

function context(event: HubEvent, source: string, kind: string, timestamp = event.receivedAt): CdEvent['context'] {
  return { specversion: SPEC_VERSION, id: event.id, source, type: `dev.cdevents.${kind}.${TYPE_VERSION}`, timestamp };
}

/**
 * `service.deployed`, `.rolledback` or `.removed`. The artifact is an OCI purl of the image (the application when
 * there is none): its name, the version as its `tag`, a `repository_url` when the image names a path; the hub's
 * own CDEvents reader takes application (the image's name) and version back from it.
 */
function deploymentEvent(event: HubEvent<'deployment'>, source: string, eventUrl: string): CdEvent {
  const d: Deployment = event.payload;
  const kind = d.removal ? 'service.removed' : d.rollback ? 'service.rolledback' : 'service.deployed';
  const environment = { id: d.cluster ?? 'unknown', source };
  const image = (d.imageName ?? d.applicationName).toLowerCase();
  const qualifiers = {
    ...(image.includes('/') ? { repository_url: image } : {}),
    ...(d.version ? { tag: d.version } : {}),
  };
  const artifactId = new PackageURL(
    'oci',
    undefined,
    image.split('/').at(-1)!,
    undefined,
    Object.keys(qualifiers).length > 0 ? qualifiers : undefined,
  ).toString();
  return {
    context: context(event, source, kind),
    subject: {
      id: `service/${d.applicationName}`,
      source,
      content: d.removal ? { environment } : { environment, artifactId },
    },
    customData: {
      applicationName: d.applicationName,
      friendlyName: d.friendlyName,
      team: d.team,
      importance: d.importance,
      ...(d.rollback ? { rolledBackFrom: d.rolledBackFrom } : {}),
      ...(d.deployedBy ? { deployedBy: d.deployedBy } : {}),
      eventUrl,
    },
  };
}

/** An error report is an incident the pipeline detected in the environment. */
function errorEvent(event: HubEvent<'error'>, source: string, eventUrl: string): CdEvent {
  const e: ErrorReport = event.payload;
  return {
    context: context(event, source, 'incident.detected'),
    subject: {
      id: `error/${event.id}`,
      source,
      content: {
        description: e.message.split('\n', 1)[0]!.slice(0, 500),
        environment: { id: e.cluster ?? 'unknown', source },
        ...(e.applicationName ? { service: { id: `service/${e.applicationName}`, source } } : {}),
      },
    },
    customData: { ...(e.logUrl ? { logUrl: e.logUrl } : {}), eventUrl },
  };
}

/** An inspection's alert (or its worsening) is an incident detected; its recovery, the incident resolved. */
function inspectionEvent(event: HubEvent<'inspection'>, source: string, eventUrl: string): CdEvent {
  const t: InspectionTransition = event.payload;
  const application = t.dimensions.application;
  return {
    context: context(event, source, t.transition === 'recovered' ? 'incident.resolved' : 'incident.detected', t.at),
    subject: {
      id: t.key,
      source,
      content: {
        description: t.title.slice(0, 500),
        environment: { id: t.dimensions.cluster ?? 'unknown', source },
        ...(application ? { service: { id: `service/${application}`, source } } : {}),
      },
    },
    customData: { check: t.check, status: t.status, transition: t.transition, link: t.link, eventUrl },
  };
}
