import { createHash } from 'node:crypto';
import type { PageMode } from '../test/fakes/flapping-endpoint.js';
import type { DemoFakes } from './fakes.js';
import { delay, type HubClient } from './hub-client.js';
import {
  APPS,
  TEAMS,
  auditOf,
  demoHour,
  findApp,
  monitorPath,
  nextPatch,
  type Cluster,
  type DemoApp,
  type Step,
} from './scenario.js';

/** The external check the demo creates and reports to, as a security team's CI job would. */
export const AUDIT_CHECK = 'dependency-audit';

export interface FillOptions {
  hub: HubClient;
  fakes: Pick<DemoFakes, 'pages' | 'receiver'>;
  /** Real milliseconds per minute of the demo's hour: 60,000 plays it in real time. */
  msPerMinute: number;
  /** Told one line per thing that happens. */
  say?: (line: string) => void;
  signal?: AbortSignal;
}

export interface FillReport {
  deployments: string[];
  removals: string[];
  errors: string[];
  recommendations: string[];
  /** Runs of the external check, ended. */
  checkRuns: number;
  /** Runs of endpoints.health and core.deliveries the demo started. */
  inspectionRuns: number;
  elapsedMs: number;
}

/** Plays the demo's hour against a hub; resolves when the hour is over (or `signal` ends it early). */
export async function fillHour(options: FillOptions): Promise<FillReport> {
  const player = new DemoPlayer(options);
  await player.setUp();
  await player.play(demoHour());
  return player.report;
}

/**
 * Plays steps against a hub through its public API: Aspen's PUTs, the external check's reports, an operator's
 * "run now" of endpoint health right after a monitor page changes (so alerts and recoveries follow at once,
 * whatever the hub's own schedule), and the fakes' behaviour (monitor pages, the webhook's receiver).
 */
export class DemoPlayer {
  readonly report: FillReport = {
    deployments: [],
    removals: [],
    errors: [],
    recommendations: [],
    checkRuns: 0,
    inspectionRuns: 0,
    elapsedMs: 0,
  };
  /** The last deployment of each application and cluster: a scaling or a removal keeps its image's `created`. */
  private readonly last = new Map<string, { version: string; created: string }>();
  private checkToken: string | null = null;
  /** Run ids must be new on every play (the hub answers a known run id with the run it has). */
  private readonly runTag = new Date()
    .toISOString()
    .replace(/[^0-9T]/g, '')
    .slice(0, 15);
  private readonly say: (line: string) => void;
  /** The minute of the hour being played; null after it, when lines show the time of day (UTC). */
  private minute: number | null = 0;

  constructor(private readonly options: FillOptions) {
    this.say = options.say ?? (() => undefined);
  }

  /** Creates (or updates) the external check and takes a fresh token for it, as its tool's owner would. */
  async setUp(): Promise<void> {
    const answer = await this.options.hub.request<{ token?: string }>('PUT', `/api/v1/checks/${AUDIT_CHECK}`, {
      body: {
        description: "npm audit of every team's applications, reported by the security team's CI",
        slackChannels: '#security',
        maxRuntimeSeconds: 600,
        rotateToken: true,
      },
    });
    this.checkToken = answer.body.token ?? null;
  }

  async play(steps: readonly Step[]): Promise<void> {
    const { msPerMinute, signal } = this.options;
    const start = Date.now();
    for (const step of steps) {
      await delay(start + step.at * msPerMinute - Date.now(), signal);
      if (signal?.aborted) break;
      this.minute = step.at;
      await this.run(step);
    }
    this.report.elapsedMs = Date.now() - start;
  }

  /**
   * After the hour: every `everyMs` one more thing, in a cycle, until `signal` ends it: the flapping page goes
   * down, a patch goes to stage, the audit runs, the page comes back, the patch goes to active.
   */
  async keepLively(everyMs: number, signal: AbortSignal): Promise<void> {
    const flapping = findApp('exam-registration-web');
    const patched = APPS.filter((candidate) => candidate.name !== 'lms-export-results');
    let round = 5;
    let current: { app: DemoApp; version: string } | null = null;
    for (let tick = 0; !signal.aborted; tick += 1) {
      await delay(everyMs, signal);
      if (signal.aborted) break;
      this.minute = null;
      try {
        switch (tick % 5) {
          case 0:
            await this.page(flapping, 'active', 'missing', 'it flaps');
            break;
          case 1: {
            const app = patched[Math.floor(tick / 5) % patched.length]!;
            const running = this.last.get(key(app.name, 'stage'))?.version ?? app.version;
            const hash = createHash('sha1').update(`${app.name}:${running}`).digest('hex').slice(0, 7);
            current = { app, version: nextPatch(running, hash) };
            await this.deploy(app, 'stage', current.version, 15);
            break;
          }
          case 2:
            await this.auditStart(round);
            await delay(Math.min(everyMs / 2, 5_000), signal);
            await this.auditFinish(round);
            round += 1;
            break;
          case 3:
            await this.page(flapping, 'active', 'ok', 'it flaps');
            break;
          default:
            if (current) await this.deploy(current.app, 'active', current.version, 25);
        }
      } catch (error) {
        // The hub may be stopping (Ctrl-C) or restarting; the next tick tries again.
        if (!signal.aborted) this.say(`  (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  }

  private async run(step: Step): Promise<void> {
    switch (step.kind) {
      case 'deploy':
        return this.deploy(findApp(step.app), step.cluster, step.version, step.lead, step.replicas);
      case 'error':
        return this.error(step);
      case 'recommend':
        return this.recommend(findApp(step.app), step.text);
      case 'page':
        return this.page(findApp(step.app), step.cluster, step.mode, step.why);
      case 'receiver':
        if (step.down) this.options.fakes.receiver.answerUntilTold(500, '{"error":"internal server error"}');
        else this.options.fakes.receiver.answerUntilTold(200);
        return this.tell(step.down ? 'the webhook receiver goes down (answers 500)' : 'the webhook receiver is back');
      case 'audit-start':
        return this.auditStart(step.round);
      case 'audit-finish':
        return this.auditFinish(step.round);
      case 'self-check':
        this.report.inspectionRuns += 1;
        await this.options.hub.runSchedule('core.deliveries');
        return this.tell("the hub's self-check (core.deliveries) ran");
    }
  }

  private async deploy(app: DemoApp, cluster: Cluster, version: string, lead: number, replicas = app.replicas) {
    const before = this.last.get(key(app.name, cluster));
    // Unix seconds, as Aspen's `created`: when the image was built. The same image keeps it (a scaling, a removal).
    const created = before?.version === version ? before.created : ((Date.now() - lead * 60_000) / 1000).toFixed(6);
    const id = await this.options.hub.ingest('deployment', aspenDeployment(app, cluster, version, created, replicas));
    this.last.set(key(app.name, cluster), { version, created });
    if (replicas === 0) {
      this.report.removals.push(id);
      return this.tell(`${app.name} removed from ${cluster}`);
    }
    this.report.deployments.push(id);
    const what =
      before?.version === version ? `scaled to ${replicas} replicas` : `${version} (built ${lead} min before)`;
    this.tell(`${app.name} ${what} on ${cluster}`);
  }

  private async error(step: Extract<Step, { kind: 'error' }>): Promise<void> {
    const app = findApp(step.app);
    // Aspen's report: an unexpected failure carries its traceback and no channels (the hub's default channels
    // get it); an expected one names the application's channels.
    const id = await this.options.hub.ingest('error', {
      message: `Error deploying *${step.cluster}/${app.name}* in step _${step.cluster}.${app.name}.${step.step}_ \n${step.text}`,
      slackChannels: step.trace ? null : app.channels,
      stackTrace: step.trace,
      applicationName: app.name,
      cluster: step.cluster,
    });
    this.report.errors.push(id);
    this.tell(`Aspen reports an error deploying ${app.name} to ${step.cluster} (${step.step})`);
  }

  private async recommend(app: DemoApp, text: string): Promise<void> {
    const id = await this.options.hub.ingest('recommendation', {
      message: `*${app.name}*: ${text}`,
      slackChannels: app.channels,
    });
    this.report.recommendations.push(id);
    this.tell(`Aspen recommends a label to ${app.name}`);
  }

  /** The page changes, then endpoint health runs twice: two results in a row are what alert or recover a key. */
  private async page(app: DemoApp, cluster: Cluster, mode: PageMode, why: string): Promise<void> {
    this.options.fakes.pages[cluster].modes.set(monitorPath(app), mode);
    this.tell(`${app.name}'s monitor page on ${cluster}: ${describeMode(mode)} (${why})`);
    for (let run = 0; run < 2; run += 1) {
      await this.options.hub.runSchedule('endpoints.health');
      this.report.inspectionRuns += 1;
    }
  }

  private async auditStart(round: number): Promise<void> {
    for (const team of TEAMS) {
      await this.options.hub.request('POST', `/api/v1/checks/${AUDIT_CHECK}/runs`, {
        body: { runId: this.runId(round, team), target: team, dimensions: { team } },
        token: this.checkToken,
      });
    }
    this.tell(`${AUDIT_CHECK} starts auditing ${TEAMS.length} teams`);
  }

  private async auditFinish(round: number): Promise<void> {
    const summary: string[] = [];
    for (const team of TEAMS) {
      const path = `/api/v1/checks/${AUDIT_CHECK}/runs/${encodeURIComponent(this.runId(round, team))}`;
      const { errors = [], ...result } = auditOf(team, round);
      for (const error of errors)
        await this.options.hub.request('POST', `${path}/errors`, { body: error, token: this.checkToken });
      await this.options.hub.request('POST', `${path}/result`, { body: result, token: this.checkToken });
      await this.options.hub.request('POST', `${path}/done`, { token: this.checkToken });
      this.report.checkRuns += 1;
      if (result.status !== 'ok') summary.push(`${team} ${result.status}`);
    }
    this.tell(`${AUDIT_CHECK} reports: ${summary.length > 0 ? summary.join(', ') : 'all ok'}`);
  }

  private runId(round: number, team: string): string {
    return `${this.runTag}-${round}-${team}`;
  }

  private tell(line: string): void {
    const when = this.minute === null ? new Date().toISOString().slice(11, 19) : String(this.minute).padStart(2, '0');
    this.say(`[${when}] ${line}`);
  }
}

/** A deployment as Aspen's ReportSuccess step builds it from the service's labels; `null` where a label is absent. */
export function aspenDeployment(
  app: DemoApp,
  cluster: Cluster,
  version: string,
  created: string,
  replicas: number,
): Record<string, unknown> {
  return {
    applicationName: app.name,
    cluster,
    replicas,
    version,
    imageName: app.name,
    applicationPath: app.path,
    created,
    slackChannels: app.channels,
    team: null,
    publicNameSwedish: app.publicNameSwedish,
    publicNameEnglish: app.publicNameEnglish,
    descriptionSwedish: app.descriptionSwedish,
    descriptionEnglish: app.descriptionEnglish,
    importance: app.importance,
    detectifyProfileTokens: null,
    monitorUrl: null,
    monitorPattern: null,
    testAccessibility: null,
    accessibilityUrls: null,
    publicUserDocumentationUrl: null,
    privateOperationsDocumentationUrl: null,
  };
}

function key(app: string, cluster: Cluster): string {
  return `${app}/${cluster}`;
}

function describeMode(mode: PageMode): string {
  switch (mode) {
    case 'missing':
      return 'the keyword is missing';
    case 'http-500':
      return 'HTTP 500';
    case 'slow':
      return 'slow';
    case 'reset':
      return 'connection reset';
    default:
      return 'fine again';
  }
}
