/**
 * The payloads modules receive for the ingested event types, after validation and enrichment (enrich.ts makes
 * them). Their comments are the field descriptions of docs/reference/events.md.
 */
/** The deployment every module receives: validated, cleaned and enriched. Absent text is `null`, absent URLs `''`. */
export interface Deployment {
  /** The application, as sent (required). */
  applicationName: string;
  /** Where it was deployed (`active`, `stage`, ...; another source's environment as `ENVIRONMENT_CLUSTERS` maps it). */
  cluster: string | null;
  /**
   * A count, or the text Aspen sent instead of one: "global" for a global-mode service, or a value its stack
   * file left unresolved (its own test data sends "replicas"). Text is shown as sent and is never a removal.
   * null: the source does not count replicas (CDEvents, GitHub, GitLab).
   */
  replicas: number | string | null;
  /** Aspen: `replicas` 0 (or absent, null, empty). Other sources say so themselves (CDEvents `service.removed`). */
  removal: boolean;
  /** The version deployed (the image tag). */
  version: string | null;
  /**
   * An older version than the one running on the cluster, or a source that said so (CDEvents
   * `service.rolledback`): decided when the event is stored (src/store/deployment-placement.ts).
   */
  rollback: boolean;
  /** The version a rollback replaced, when known. */
  rolledBackFrom: string | null;
  /** Who deployed it, when the source says (GitHub's deployment creator, GitLab's user). */
  deployedBy: string | null;
  /** The container image, without its tag. */
  imageName: string | null;
  /** The path the application is served under, its Traefik suffix cut (`/api/webtex;ReplacePathRegex` is `/api/webtex`). */
  applicationPath: string | null;
  /** As sent: Unix seconds with a fraction, as a string. */
  created: string | null;
  /** `created` as an ISO time. */
  createdAt: string | null;
  /** Only the channels starting with `#`. */
  slackChannels: string[];
  /** As sent, else the first team rule (`TEAMS`) found inside a channel's name. */
  team: string | null;
  /** The name users know, in Swedish. */
  publicNameSwedish: string | null;
  /** The name users know, in English. */
  publicNameEnglish: string | null;
  /** What the application is for, in Swedish. */
  descriptionSwedish: string | null;
  /** What the application is for, in English. */
  descriptionEnglish: string | null;
  /** `publicNameEnglish`, else `publicNameSwedish`, else `applicationName`. */
  friendlyName: string;
  /** `low`, `medium` or `high` as sent (any case); anything else is `low`. */
  importance: Importance;
  /** Detectify scan profiles to start a scan of (the detectify module). */
  detectifyProfileTokens: string[];
  /** As sent when it starts with `http`; else the cluster's host and the application's path. */
  applicationUrl: string;
  /** As sent when it starts with `http`; else the application's URL and `/_monitor`. */
  monitorUrl: string;
  /** As sent; else, beside a `/_monitor` URL, the `/_about` one. */
  aboutUrl: string;
  /** As sent; else, with a monitor URL, `UTR_KEYWORD`. */
  monitorPattern: string;
  /** Whether the lighthouse module audits the deployment. */
  testAccessibility: boolean;
  /** The pages the lighthouse module audits (at most `LIGHTHOUSE_MAX_URLS`). */
  accessibilityUrls: string[];
  /** Where the application's users read about it. */
  publicUserDocumentationUrl: string | null;
  /** Where its operators read how to run it. */
  privateOperationsDocumentationUrl: string | null;
  /** The last hour of the image's logs in Graylog (`GRAYLOG_HOST`). */
  logSearchUrl: string | null;
}

export interface ErrorReport {
  /** What went wrong; cut (the cut marked) past 10,000 characters. */
  message: string;
  /** The stack trace, its end kept past 65,536 characters. */
  stackTrace: string | null;
  /** Only the channels starting with `#`. */
  slackChannels: string[];
  /** The application the error is about, when known. */
  applicationName: string | null;
  /** The cluster, when known. */
  cluster: string | null;
  /** Where the failed run's log is (a CI job, a pipeline run), when the source says. */
  logUrl: string | null;
  /** Set on the follow-up of an error storm: how many identical errors were folded into it. */
  repeats?: { count: number; firstEventId: string; windowSeconds: number };
}

export interface Recommendation {
  /** The recommendation, as text for people. */
  message: string;
  /** Only the channels starting with `#`; none: nothing is posted. */
  slackChannels: string[];
  /** The application it is about, when known. */
  applicationName: string | null;
  /** As sent, else the first team rule (`TEAMS`) found inside a channel's name. */
  team: string | null;
}

export type Importance = 'low' | 'medium' | 'high';
