import type { NotifyHooks } from '../notify/hooks.js';
import type { Router } from 'express';
import type { DeliveryEngine } from '../delivery/engine.js';
import type { Insights } from '../insights/insights.js';
import type { Logger } from '../logging/logger.js';
import type { ModuleRegistry } from '../module-system/registry.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Silences } from '../silences/silences.js';
import type { Ownership } from '../config-file/ownership.js';
import type { Db } from '../store/db.js';
import { assetRoutes } from './assets.js';
import { badgeRoutes } from './badges.js';
import { PageAuth } from './auth.js';
import { LiveFeed } from './live-feed.js';
import type { CheckSource } from './read-model.js';
import { pageRoutes } from './routes.js';
import { streamRoutes } from './stream-route.js';

/**
 * The operators' window: the server-rendered pages at `/`, their assets, badges, and the live stream
 * (`GET /api/v1/stream`) read from the activity every replica writes. Starts its feed before it serves,
 * ends open streams first when the hub stops.
 */
export class StatusPage {
  private readonly auth: PageAuth;
  private readonly feed: LiveFeed;
  private readonly open = new Set<() => void>();

  constructor(
    private readonly deps: { db: Db; logger: Logger; adminToken?: string; readToken?: string; publicReading: boolean },
  ) {
    this.auth = new PageAuth({
      adminToken: deps.adminToken,
      readToken: deps.readToken,
      publicReading: deps.publicReading,
    });
    this.feed = new LiveFeed(deps.db, deps.logger);
  }

  start(): Promise<void> {
    return this.feed.start();
  }

  routers(parts: {
    registry: ModuleRegistry;
    engine: DeliveryEngine;
    scheduler: Scheduler;
    checks?: CheckSource;
    insights?: Insights;
    silences?: Silences;
    ownership?: Ownership;
    notify?: NotifyHooks;
  }): Router[] {
    const context = { db: this.deps.db, auth: this.auth, feed: this.feed, ...parts };
    return [
      assetRoutes(),
      streamRoutes({ auth: this.auth, feed: this.feed, open: this.open }),
      badgeRoutes(context),
      pageRoutes(context),
    ];
  }

  /** Open streams: for tests and the bench. */
  get streams(): number {
    return this.feed.streams;
  }

  closeStreams(): void {
    for (const end of [...this.open]) end();
    this.open.clear();
  }

  async stop(): Promise<void> {
    this.closeStreams();
    await this.feed.stop();
  }
}
