import { type Router, type Request, type RequestHandler } from 'express';
import { hubRouter } from '../../util/http-router.js';
import type { CoreConfig } from '../../config/config.js';
import { HubError } from '../../errors.js';
import type { IngestService } from '../../ingest/ingest.js';
import { mapCdEvent } from '../../ingest/sources/cdevents.js';
import { OWN_EVENT_EXTENSION, readCloudEvents, type CloudEvent } from '../../ingest/sources/cloudevents-http.js';
import {
  GITHUB_DELIVERY,
  GITHUB_EVENT,
  GITHUB_SIGNATURE,
  githubSignatureValid,
  mapGithubDeploymentStatus,
} from '../../ingest/sources/github.js';
import { GITLAB_EVENT, GITLAB_TOKEN, gitlabTokenValid, mapGitlabDeployment } from '../../ingest/sources/gitlab.js';
import type { Mapped, SourceName } from '../../ingest/sources/mapped.js';
import type { Accepted } from '../../bus/fan-out.js';
import type { Access, IngestRequest } from '../auth.js';
import { methodNotAllowed } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { doc } from '../route-docs.js';
import { sourceDocs } from './source-docs.js';

/**
 * Pipelines that do not speak Aspen's JSON: CDEvents over CloudEvents, GitHub and GitLab deployment webhooks.
 * Each adapter (src/ingest/sources/) verifies and maps its input into the events Aspen's JSON makes, which go
 * through the same ingest service and the one door (idempotency, limits). CDEvents use ingest's own credentials
 * (INGEST_TOKENS, INGEST_HMAC_SECRET); GitHub and GitLab cannot send those and prove themselves with their
 * webhook secret instead; all three count against INGEST_RATE_PER_MINUTE.
 */
export function sourceRoutes(deps: {
  config: CoreConfig;
  ingest: IngestService;
  access: Access;
  /** Which of these ids are events of this hub. */
  knownEvents: (ids: string[]) => Promise<Set<string>>;
}): Router {
  const router = hubRouter();
  const { access, config } = deps;
  const sources = config.sources;

  const [requireJson, parse, requireBody] = jsonBody({ verify: (req, buffer) => access.verifyBody(req, buffer) });
  router
    .route('/api/v1/cdevents')
    .post(
      doc(sourceDocs.cdevents),
      access.ingestCredentials,
      requireJson!,
      parse!,
      access.requireVerified,
      access.rateLimit,
      requireBody!,
      async (req, res) => {
        const { mode, events } = readCloudEvents(mediaType(req), req.headers, req.body);
        const own = await deps.knownEvents(events.map((event) => String(event.extensions[OWN_EVENT_EXTENSION] ?? '')));
        const items = events.map((event, index) => {
          const prefix = mode === 'batch' ? `[${index}].` : '';
          const echo = own.has(String(event.extensions[OWN_EVENT_EXTENSION] ?? ''));
          const mapped: Mapped = echo
            ? {
                kind: 'ignored',
                reason: `the hub's own event ${String(event.extensions[OWN_EVENT_EXTENSION])} came back`,
              }
            : mapCdEvent(event, sources, prefix);
          return { mapped, raw: structuredForm(event), prefix };
        });
        const accepted = await deps.ingest.ingestMapped('cdevents', items, (req as IngestRequest).sender ?? null);
        const answers = accepted.map((one, index) => {
          const mapped = items[index]!.mapped;
          return mapped.kind === 'ignored' || !one
            ? { status: 'ignored' as const, reason: mapped.kind === 'ignored' ? mapped.reason : '' }
            : answer('cdevents', mapped, one);
        });
        const routed = answers.some((one) => 'type' in one && one.type !== 'cdevent');
        res.status(routed ? 200 : 202).json(mode === 'batch' ? { events: answers } : answers[0]);
      },
    )
    .all(methodNotAllowed(['POST']));

  // GitHub signs the body: the signature is checked against the bytes as read, before they are parsed.
  const [githubJson, githubParse, githubBody] = jsonBody({
    verify: (req, buffer) => {
      if (!githubSignatureValid(req.get(GITHUB_SIGNATURE) ?? '', buffer, sources.githubWebhookSecret!))
        throw unauthorized(`the ${GITHUB_SIGNATURE} signature does not match the body and GITHUB_WEBHOOK_SECRET`);
    },
  });
  router
    .route('/api/v1/github')
    .post(
      doc(sourceDocs.github),
      (req, _res, next) => {
        if (!sources.githubWebhookSecret)
          return next(new HubError('HUB_ERR_NOT_FOUND', 'GitHub webhooks are off: set GITHUB_WEBHOOK_SECRET'));
        if (!req.get(GITHUB_SIGNATURE))
          return next(
            unauthorized(`${GITHUB_SIGNATURE} is missing: give the webhook the secret set in GITHUB_WEBHOOK_SECRET`),
          );
        next();
      },
      githubJson!,
      githubParse!,
      githubBody!,
      sender('github'),
      access.rateLimit,
      async (req, res) => {
        const event = requiredHeader(req, GITHUB_EVENT);
        const delivery = requiredHeader(req, GITHUB_DELIVERY);
        if (event === 'ping') return void res.json({ status: 'pong' });
        if (event !== 'deployment_status')
          return void res.status(202).json({ status: 'ignored', reason: `GitHub's ${event} event is not read` });
        const mapped = mapGithubDeploymentStatus(req.body, delivery, sources);
        res.status(mapped.kind === 'ignored' ? 202 : 200).json(await store('github', mapped, req.body));
      },
    )
    .all(methodNotAllowed(['POST']));

  router
    .route('/api/v1/gitlab')
    .post(
      doc(sourceDocs.gitlab),
      (req, _res, next) => {
        if (!sources.gitlabWebhookToken)
          return next(new HubError('HUB_ERR_NOT_FOUND', 'GitLab webhooks are off: set GITLAB_WEBHOOK_TOKEN'));
        const token = req.get(GITLAB_TOKEN);
        if (!token) return next(unauthorized(`${GITLAB_TOKEN} is missing: give the webhook GITLAB_WEBHOOK_TOKEN`));
        if (!gitlabTokenValid(token, sources.gitlabWebhookToken))
          return next(unauthorized(`${GITLAB_TOKEN} is not GITLAB_WEBHOOK_TOKEN`));
        next();
      },
      ...jsonBody(),
      sender('gitlab'),
      access.rateLimit,
      async (req, res) => {
        const kind = (req.body as { object_kind?: unknown }).object_kind;
        if (req.get(GITLAB_EVENT) === 'Deployment Hook' && kind !== 'deployment')
          throw new HubError('HUB_ERR_VALIDATION', 'the body is not the Deployment Hook its X-Gitlab-Event claims', [
            { field: 'object_kind', message: 'expected "deployment"' },
          ]);
        if (kind !== 'deployment')
          return void res.status(202).json({
            status: 'ignored',
            reason: `GitLab's ${typeof kind === 'string' ? kind : 'unnamed'} event is not read`,
          });
        const mapped = mapGitlabDeployment(req.body, sources);
        res.status(mapped.kind === 'ignored' ? 202 : 200).json(await store('gitlab', mapped, req.body));
      },
    )
    .all(methodNotAllowed(['POST']));

  async function store(source: SourceName, mapped: Mapped, raw: unknown) {
    if (mapped.kind === 'ignored') return { status: 'ignored', reason: mapped.reason };
    const [accepted] = await deps.ingest.ingestMapped(source, [{ mapped, raw }], source);
    return answer(source, mapped, accepted!);
  }

  function answer(source: SourceName, mapped: Mapped, accepted: Accepted) {
    return {
      id: accepted.eventId,
      type: mapped.kind,
      source,
      status: accepted.duplicate ? 'duplicate' : accepted.stormOf ? 'coalesced' : 'accepted',
      url: `${config.publicUrl}/api/v1/events/${accepted.eventId}`,
      deliveries: accepted.deliveries,
      ...(accepted.sameAs ? { sameAs: accepted.sameAs } : {}),
      ...(accepted.stormOf ? { stormOf: accepted.stormOf } : {}),
    };
  }

  return router;
}

function mediaType(req: Request): string {
  return (req.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** Kept as the event's raw body: the CloudEvent in structured form, whichever mode carried it. */
function structuredForm(event: CloudEvent): Record<string, unknown> {
  const { data, extensions, ...attributes } = event;
  return { specversion: '1.0', ...attributes, ...extensions, data };
}

function requiredHeader(req: Request, name: string): string {
  const value = req.get(name);
  if (!value) throw new HubError('HUB_ERR_BAD_PARAMETER', `${name} is missing`, [{ field: name, message: 'required' }]);
  return value;
}

/** The rate limit counts a webhook's requests under its service's name. */
function sender(name: string): RequestHandler {
  return (req, _res, next) => {
    (req as IngestRequest).sender = name;
    next();
  };
}

function unauthorized(message: string): HubError {
  return new HubError('HUB_ERR_UNAUTHORIZED', message);
}
