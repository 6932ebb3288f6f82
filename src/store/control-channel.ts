import { EventEmitter } from 'eventemitter3';
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import type { Db, Queryable } from './db.js';

const CHANNEL = 'alvares_control';
const RECONNECT_MS = 1_000;

/** Topics of run-time control: each tells replicas to re-read that part of the shared state from PostgreSQL. */
export type ControlTopic = 'log-levels' | 'module-config' | 'silences';

/**
 * Run-time changes made on one replica reach the others through LISTEN/NOTIFY on one dedicated connection.
 * A notification only says "re-read X"; the state itself is in tables, so a hub that missed one (its
 * connection dropped) loses nothing: on reconnect it re-reads everything (`reconnected`), and owners of
 * state also poll now and then.
 */
export class ControlChannel {
  private readonly emitter = new EventEmitter();
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  on(topic: ControlTopic | 'reconnected', listener: () => void): void {
    this.emitter.on(topic, () => {
      try {
        listener();
      } catch (error) {
        this.logger.error('control listener failed', { topic, error: String(error) });
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'alvares-control' });
    client.on('error', () => this.reconnectLater(client));
    client.on('end', () => this.reconnectLater(client));
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) this.emitter.emit(message.payload);
    });
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    this.client = client;
  }

  private reconnectLater(client: pg.Client): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.logger.warn('control channel lost; reconnecting');
    const attempt = () => {
      this.retry = null;
      if (this.stopped) return;
      this.connect().then(
        () => this.emitter.emit('reconnected'),
        () => {
          this.retry = setTimeout(attempt, RECONNECT_MS);
          this.retry.unref();
        },
      );
    };
    this.retry = setTimeout(attempt, RECONNECT_MS);
    this.retry.unref();
  }
}

/** Tells every replica (this one too) to re-read `topic`; inside a transaction it is sent at commit. */
export async function notifyControl(db: Queryable, topic: ControlTopic): Promise<void> {
  await db.query('select pg_notify($1, $2)', [CHANNEL, topic]);
}

export function controlConnectionString(db: Db): string {
  const options = (db.pool as unknown as { options: { connectionString?: string } }).options;
  if (!options.connectionString) throw new Error('the pool has no connection string');
  return options.connectionString;
}
