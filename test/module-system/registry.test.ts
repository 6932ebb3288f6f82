import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCoreConfig, type CoreConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging/logger.js';
import { Redactor } from '../../src/logging/redact.js';
import { defineModule, type AnyModuleDefinition } from '../../src/module-system/contract.js';
import { resolveDeliveryOverrides } from '../../src/module-system/overrides.js';
import { ModuleRegistry, validateDefinitions } from '../../src/module-system/registry.js';
import type { Db } from '../../src/store/db.js';
import { HubStream, type StreamItem } from '../../src/stream/hub-stream.js';

const logger = createLogger({ level: 'error', redactor: new Redactor(), silent: true });

const errorWatcher = defineModule({
  name: 'watcher',
  description: 'handles errors and recommendations',
  events: ['error', 'recommendation'],
  create: () => ({ handlers: { error: () => ({ summary: 'seen' }), recommendation: () => undefined } }),
});

const picky = defineModule({
  name: 'picky-one',
  description: 'wants only deployments with replicas',
  events: ['deployment'],
  wants: (_type, payload) => !payload.removal,
  create: () => ({ handlers: { deployment: () => undefined } }),
});

const secretless = defineModule({
  name: 'secretless',
  description: 'off without its key',
  events: ['error'],
  enablement: () => ({ enabled: false, reason: 'SECRETLESS_KEY is not set' }),
  create: () => {
    throw new Error('a module that is off is never created');
  },
});

describe('the module registry', () => {
  let dataDir: string;
  let core: CoreConfig;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'alvares-registry-'));
    const parsed = parseCoreConfig({ DATA_DIR: dataDir, DISABLED_SUBSCRIBERS: 'picky-one' });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    core = parsed.value;
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  async function startRegistry(definitions: AnyModuleDefinition[], stream = new HubStream(logger)) {
    const registry = new ModuleRegistry(definitions, {
      db: {} as Db,
      core,
      logger,
      stream,
      configs: new Map(),
      deliveryOverrides: {},
      http: () => {
        throw new Error('no HTTP in this test');
      },
      ownDelivery: () => Promise.resolve(null),
      publish: () => Promise.resolve('id'),
    });
    await registry.start();
    return registry;
  }

  it('keeps one table of who handles what, and turns modules off and on at run time', async () => {
    const seen: StreamItem[] = [];
    const stream = new HubStream(logger);
    stream.on('module.changed', (item) => seen.push(item));
    const registry = await startRegistry([errorWatcher, picky, secretless], stream);

    const error = {
      message: 'm',
      stackTrace: null,
      slackChannels: [],
      applicationName: null,
      cluster: null,
      logUrl: null,
    };
    expect(registry.subscribersOf('error', error)).toEqual(['watcher']);
    expect(registry.handlerFor('watcher', 'error')).not.toBeNull();
    expect(registry.handlerFor('secretless', 'error')).toBeNull();
    expect(registry.statuses().map((status) => [status.name, status.enabled, status.reason])).toEqual([
      ['watcher', true, null],
      ['picky-one', false, 'listed in DISABLED_SUBSCRIBERS'],
      ['secretless', false, 'SECRETLESS_KEY is not set'],
    ]);

    registry.disable('watcher');
    expect(registry.subscribersOf('error', error)).toEqual([]);
    expect(registry.handlerFor('watcher', 'error')).toBeNull();
    registry.enable('watcher');
    expect(registry.subscribersOf('error', error)).toEqual(['watcher']);
    expect(() => registry.enable('secretless')).toThrow(/SECRETLESS_KEY is not set/);
    expect(seen.map((item) => item.kind === 'module.changed' && [item.module, item.enabled])).toEqual([
      ['watcher', true],
      ['picky-one', false],
      ['secretless', false],
      ['watcher', false],
      ['watcher', true],
    ]);
  });

  it("asks a module's wants() which events it has work for", async () => {
    const registry = await startRegistry([picky]);
    registry.enable('picky-one');
    const deployment = (replicas: number) => ({ replicas, removal: replicas === 0 }) as never;
    expect(registry.subscribersOf('deployment', deployment(2))).toEqual(['picky-one']);
    expect(registry.subscribersOf('deployment', deployment(0))).toEqual([]);
  });

  it('stops every module in reverse order and unsubscribes them all', async () => {
    const stopped: string[] = [];
    const stopping = (name: string) =>
      defineModule({
        name,
        description: name,
        events: ['recommendation'],
        create: () => ({
          handlers: { recommendation: () => undefined },
          stop: () => {
            stopped.push(name);
            return Promise.resolve();
          },
        }),
      });
    const registry = await startRegistry([stopping('first'), stopping('second')]);
    await registry.stop();
    expect(stopped).toEqual(['second', 'first']);
    expect(
      registry.subscribersOf('recommendation', { message: 'm', slackChannels: [], applicationName: null, team: null }),
    ).toEqual([]);
  });
});

describe('checking the module list at boot', () => {
  it('lists every problem at once: bad or taken names, twice listed, unknown event types', () => {
    const named = (name: string, events: string[] = []) =>
      ({ ...errorWatcher, name, events }) as unknown as AnyModuleDefinition;
    expect(() =>
      validateDefinitions([named('Bad Name'), named('core'), named('twice'), named('twice'), named('odd', ['deploy'])]),
    ).toThrow(
      [
        'invalid module list:',
        `  module "Bad Name": name must match /^[a-z][a-z0-9-]{0,39}$/`,
        `  module "core": the name is the hub's own`,
        '  module "twice" is listed twice',
        '  module "odd" subscribes to unknown event type "deploy"',
      ].join('\n'),
    );
  });

  it('matches DELIVERY_*_<MODULE> overrides to names with hyphens and reports those that match none', () => {
    const { overrides, problems } = resolveDeliveryOverrides(['slow-serial', 'slack'], {
      slow_serial: { maxAttempts: 2 },
      slack: { timeoutMs: 5000 },
      slak: { maxAttempts: 3, timeoutMs: 100 },
    });
    expect(overrides).toEqual({ 'slow-serial': { maxAttempts: 2 }, slack: { timeoutMs: 5000 } });
    expect(problems).toEqual([
      'DELIVERY_MAX_ATTEMPTS_SLAK, DELIVERY_TIMEOUT_MS_SLAK: no module of that name (known: SLOW_SERIAL, SLACK)',
    ]);
  });
});

describe('the hub stream', () => {
  it('isolates listeners: one throwing does not stop the next', () => {
    const stream = new HubStream(logger);
    const seen: string[] = [];
    stream.on('module.changed', () => {
      throw new Error('listener bug');
    });
    stream.onAny((item) => seen.push(item.kind));
    stream.emit({ kind: 'module.changed', module: 'm', enabled: true, reason: null, at: '' });
    expect(seen).toEqual(['module.changed']);
  });
});
