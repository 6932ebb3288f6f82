import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AxiosInstance } from 'axios';
import type { CoreConfig, DeliveryPolicy } from '../config/config.js';
import type { EventType } from '../events/types.js';
import { moduleLogger, type Logger } from '../logging/logger.js';
import { NotifyHooks } from '../notify/hooks.js';
import type { Db } from '../store/db.js';
import type { HubStream } from '../stream/hub-stream.js';
import type { AnyModuleDefinition, HttpClientOptions, ModuleContext, OwnDelivery, PublishOptions } from './contract.js';

/** What the registry is given to run modules: the core's parts each module's context is made of. */
export interface RegistryDeps {
  db: Db;
  core: Readonly<CoreConfig>;
  logger: Logger;
  stream: HubStream;
  configs: Map<string, unknown>;
  /** DELIVERY_*_<MODULE> overrides, already matched to module names. */
  deliveryOverrides: Record<string, Partial<DeliveryPolicy>>;
  http: (options: HttpClientOptions, logger: Logger) => AxiosInstance;
  ownDelivery: (eventId: string, module: string) => Promise<OwnDelivery | null>;
  publish: (source: string, type: EventType, payload: unknown, options?: PublishOptions) => Promise<string>;
  /** The hub's notification hooks (silences); a registry built without them suppresses nothing. */
  notifyHooks?: NotifyHooks;
}

/** A module instance's view of the core: its name, config, logger, data folder, HTTP client and bus. */
export async function createModuleContext(
  deps: RegistryDeps,
  definition: AnyModuleDefinition,
  config: unknown,
): Promise<ModuleContext<unknown>> {
  const logger = moduleLogger(deps.logger, definition.name);
  const dataDir = path.join(deps.core.dataDir, 'modules', definition.name);
  await mkdir(dataDir, { recursive: true });
  return {
    name: definition.name,
    config,
    core: deps.core,
    logger,
    db: deps.db,
    dataDir,
    http: (options) => deps.http(options, logger),
    ownDelivery: (eventId) => deps.ownDelivery(eventId, definition.name),
    publish: (type, payload, options) => deps.publish(definition.name, type, payload, options),
    notifyHooks: deps.notifyHooks ?? new NotifyHooks(),
  };
}
