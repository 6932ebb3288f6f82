import { z } from 'zod';
import { envBool, envInt, envList, envString, envUrl } from './env.js';

/**
 * The core's environment variables: how each is parsed, and in `.meta` what it means. docs/reference/configuration.md
 * is written from these words (`npm run docs`); parseCoreConfig in config.ts turns the parsed values into CoreConfig.
 */

/** Team names looked for inside Slack channel names; `alias=team` maps a channel fragment to a team. */
export const DEFAULT_TEAMS =
  'team-pipeline,team-studadm,team-e-larande,team-integration,team-kth-webb,team-digitalexam,team-kursinfo=team-kursinformation';

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

export const coreSchema = z.object({
  PORT: envInt(3010, { min: 0, max: 65535 }).meta({
    description: 'HTTP port, 0-65535. `0` picks a free port (tests).',
  }),
  HOST: envString().meta({ default: '`0.0.0.0`', description: 'Address the HTTP server binds to.' }),
  DATA_DIR: envString().meta({
    default: '`./data`',
    description:
      'Resolved against the working directory. Holds the embedded PostgreSQL (`postgres/`), its generated password (`embedded-postgres.json`, mode 0600) and module data (`modules/<name>/`, e.g. Lighthouse reports).',
  }),
  DATABASE_URL: envString().meta({
    default: '(unset: embedded)',
    description:
      'PostgreSQL connection URL. Unset (and `DB_URL` unset): the hub starts its own PostgreSQL under `DATA_DIR/postgres` on a free local port, kept between runs. Several hubs on one `DATABASE_URL` share the work. Its password is redacted like a secret.',
  }),
  ALVARES_CONFIG: envString().meta({
    default: '(unset: no file)',
    description:
      'A configuration file (YAML) or a directory of them, kept in git: targets, routes, templates, silences, external checks, inspection parameters and modules (docs/guides/configure-with-a-file.md). Resolved against the working directory. Loaded at start (an invalid file stops start-up, every problem listed) and reloaded when it changes, on `SIGHUP` and on `POST /api/v1/admin/config/reload`; a reload that fails keeps the last good configuration.',
  }),
  DB_URL: envString().meta({
    description:
      "The original's name; used only when `DATABASE_URL` is unset. It is taken as a PostgreSQL URL: the original's database URL (CosmosDB) will not work here.",
  }),
  DB_PASSWORD: envString().meta({
    secret: true,
    description:
      'Put into `DATABASE_URL` (or `DB_URL`) when that URL has no password; a URL that already has one keeps it.',
  }),
  LOG_LEVEL: z
    .preprocess(
      (value) => (typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : undefined),
      z.enum(LOG_LEVELS).optional(),
    )
    .meta({
      default: '`info` (`debug` when `DEBUG` is true)',
      description:
        '`error`, `warn`, `info` or `debug` (any case). Wins over `DEBUG`. Logs are JSON lines when stdout is not a terminal, readable lines when it is.',
    }),
  DEBUG: envBool(false).meta({
    description:
      'The original\'s switch, a boolean: true means debug logging when `LOG_LEVEL` is unset. The original\'s README said "set to turn on"; here a value that is not a boolean word (e.g. `DEBUG=debug`) stops start-up.',
  }),
  HUB_PUBLIC_URL: envUrl().meta({
    default: '`http://localhost:<bound port>`',
    description:
      "*URL.* The hub's address as users reach it; starts every link the hub hands out (Slack messages, Lighthouse report links, `GET /api/v1/events/:id` URLs in answers). A trailing `/` is removed.",
  }),
  DISABLED_SUBSCRIBERS: envList().meta({
    description:
      "Modules that must not subscribe, by our names (`database`, `slack`, `uptimerobot`, `detectify`, `lighthouse`, `webhook`, `grafana`, `cdevents`, `endpoints`) or the original's dotted names (`modules.subscribers.slack`, `modules.subscribers.slack.slack_deployment`, `modules.subscribers.database.cosmosdb`, ...). Case-insensitive. Unknown names are logged as a warning, not an error. Modules can also be turned off and on at run time: `POST /api/v1/modules/:name/disable` and `/enable` (admin API).",
  }),
  ACTIVE_APP_HOST: envUrl().meta({
    description:
      '*URL.* App host of cluster `active`, and of any cluster not listed here. An `applicationPath` that does not start with `/api/` gets the app host.',
  }),
  ACTIVE_API_HOST: envUrl().meta({
    description: '*URL.* API host of cluster `active` (and unknown clusters), for paths starting with `/api/`.',
  }),
  STAGE_APP_HOST: envUrl().meta({ description: '*URL.* App host of cluster `stage`.' }),
  STAGE_API_HOST: envUrl().meta({ description: '*URL.* API host of cluster `stage`.' }),
  INTEGRAL_APP_HOST: envUrl().meta({ description: '*URL.* App host of cluster `integral`.' }),
  INTEGRAL_API_HOST: envUrl().meta({ description: '*URL.* API host of cluster `integral`.' }),
  INTEGRAL_STAGE_APP_HOST: envUrl().meta({ description: '*URL.* App host of cluster `integral-stage`.' }),
  INTEGRAL_STAGE_API_HOST: envUrl().meta({ description: '*URL.* API host of cluster `integral-stage`.' }),
  GRAYLOG_HOST: envUrl().meta({
    default: '(unset: no log link)',
    description:
      "*URL.* Base of each deployment's log-search link, the original's: the last hour of `source:<cluster> AND image_name:/.*<imageName>:<version>.*/` (exact form in [enrichment.md](enrichment.md)).",
  }),
  UTR_KEYWORD: envString().meta({
    default: '`APPLICATION_STATUS: OK`',
    description:
      'The `monitorPattern` given to a deployment that has a monitor URL and names no pattern (the keyword UptimeRobot looks for).',
  }),
  TEAMS: envList().meta({
    default: `\`${DEFAULT_TEAMS}\``,
    description:
      "Teams looked for inside Slack channel names when a deployment names no `team`: `team`, or `fragment=team` to map a channel fragment to a team. Written lower-case (channel names are compared as sent, as the original did; Slack's are lower-case). Setting it replaces the whole default list.",
  }),
  ADMIN_TOKEN: envString()
    .refine((value) => value === undefined || value.length >= 16, {
      message: 'must be at least 16 characters',
    })
    .meta({
      secret: true,
      default: '(unset: no admin API)',
      description:
        'At least 16 characters. Admin routes need `Authorization: Bearer <ADMIN_TOKEN>`; without it they do not exist (404) rather than being open.',
    }),
  STATUS_PAGE_PUBLIC: envBool(true).meta({
    description:
      '`false`: reading the status page (`/`), its badges (`/badge/…`) and its stream (`GET /api/v1/stream`) needs signing in with `ADMIN_TOKEN` (or the admin token or `READ_TOKEN` as a bearer); start-up refuses `false` without `ADMIN_TOKEN`. Actions always need signing in.',
  }),
  DELIVERY_MAX_ATTEMPTS: envInt(8, { min: 1, max: 100 }).meta({ description: 'Attempts per delivery, 1-100.' }),
  DELIVERY_MAX_AGE_SECONDS: envInt(24 * 3600, { min: 1 }).meta({
    default: '`86400` (24 h)',
    description: "Seconds after the event's acceptance past which no retry is scheduled; at least 1.",
  }),
  DELIVERY_TIMEOUT_MS: envInt(30_000, { min: 100, max: 3_600_000 }).meta({
    description:
      "Time limit of one attempt, 100-3600000 ms. At the limit the module's work is aborted and the attempt counts as failed.",
  }),
  // Deliveries mostly wait on I/O (PostgreSQL, HTTP); 16 kept the 100/s end-to-end benchmark under its target where 8 queued.
  WORKER_CONCURRENCY: envInt(16, { min: 1, max: 256 }).meta({
    description:
      "Deliveries this hub runs at once from the queue, 1-256; besides, up to four times as many deliveries of events this hub ingested run at once without a queue job (past that, an event's deliveries are queued). The PostgreSQL pool is sized to this plus 12 (and 4 more connections for the write path, 1 for the live feed). The hub fetches up to twice this many jobs at a time.",
  }),
  DELIVERY_BACKOFF_BASE_MS: envInt(2_000, { min: 1, max: 3_600_000 }).meta({
    description:
      'First retry delay, 1-3600000 ms; doubles per attempt, half of it random ("equal jitter"). A `Retry-After` from the remote service replaces it.',
  }),
  DELIVERY_BACKOFF_MAX_MS: envInt(600_000, { min: 1, max: 24 * 3_600_000 }).meta({
    default: '`600000` (10 min)',
    description: 'Largest retry delay, 1-86400000 ms.',
  }),
  IDEMPOTENCY_WINDOW_SECONDS: envInt(60, { min: 0, max: 7 * 24 * 3600 }).meta({
    description:
      'A deployment or recommendation with the same body as one accepted within this many seconds (and no `Idempotency-Key` header) returns the first event; nothing new is stored or sent. 0-604800; `0` turns body deduplication off (an `Idempotency-Key` header still works). Errors are handled by the storm window instead.',
  }),
  ERROR_STORM_WINDOW_SECONDS: envInt(300, { min: 0, max: 24 * 3600 }).meta({
    default: '`300` (5 min)',
    description:
      'Repeats of an error (same application, cluster and message, ignoring ids, numbers and durations) within this many seconds of the first are stored but not sent; one follow-up error with the count is sent at the end of the window. 0-86400; `0` turns it off.',
  }),
  SHUTDOWN_TIMEOUT_MS: envInt(10_000, { min: 0, max: 600_000 }).meta({
    description:
      'On SIGTERM/SIGINT: the longest wait for open HTTP requests to finish, then for accepted events still committing, then for running deliveries (each up to this long). 0-600000.',
  }),
  EVENT_RETENTION_DAYS: envInt(30, { min: 0, max: 36_500 }).meta({
    description:
      "The hourly prune (`core.prune`) deletes events older than this, with their deliveries and lifecycle, unless a delivery is still queued, running or waiting to retry. 0-36500; `0` keeps events forever. Module tables (the deployment history, Slack threads) are not touched, nor are the insights' own copies (`insight_*`, copied before each prune), so delivery insights look back further than this.",
  }),
  // Accepted so an original deployment's environment keeps working; the original's own test suite read them.
  SKIP_VALIDATION_TESTS: envString().meta({ description: "Unused. The original's own test suite read it." }),
  VALIDATE_DEPLOYMENT_URL: envString().meta({
    description: "Unused. The original's own test suite read it. Any string is accepted.",
  }),
});
