import pg from 'pg';

export type Queryable = Pick<pg.PoolClient, 'query'>;

/** The hub's one PostgreSQL pool, with the two operations everything else needs. */
export interface Db {
  readonly pool: pg.Pool;
  /** A named query config (`{ name, text, values }`) is prepared once per connection: for hot statements. */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string | pg.QueryConfig,
    params?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  /**
   * `opening`: statements without parameters sent with the BEGIN in one round trip (a hot path's locks), their
   * values already quoted with `pg.escapeLiteral`.
   */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>, opening?: string): Promise<T>;
  close(): Promise<void>;
}

export interface DbOptions {
  max?: number;
  applicationName?: string;
  /**
   * For statements that only touch rows by key: tell PostgreSQL to keep to indexes. A prepared statement's
   * plan is made while a young table looks tiny and is kept as the table grows; without this, those plans
   * went on scanning whole tables (a 5x slower ingest and delivery path on a fresh database under load).
   */
  keyedOnly?: boolean;
  /** Commits that do not wait for the WAL flush: only for what a crash may lose (the live feed). */
  asynchronousCommit?: boolean;
}

export function createDb(connectionString: string, options: DbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 20,
    application_name: options.applicationName ?? 'alvares',
    connectionTimeoutMillis: 10_000,
    // JIT off: the hub's statements are short, and JIT compiles a plan again at every execution once its cost
    // passes jit_above_cost, which enable_seqscan=off makes any plan with a sequential scan in it do. Debian's
    // PostgreSQL 15 here is built with LLVM (the embedded 18 is not); pg_stat_statements counted no JIT in the
    // hub's own statements, so this guards rather than fixes.
    options: [
      '-c jit=off',
      options.keyedOnly ? '-c enable_seqscan=off' : '',
      options.asynchronousCommit ? '-c synchronous_commit=off' : '',
    ]
      .filter(Boolean)
      .join(' '),
    idleTimeoutMillis: 30_000,
  });
  // A client losing its server must not crash the process; the next query reports the problem.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  let closed = false;
  return {
    pool,
    query: (sql, params) => (typeof sql === 'string' ? pool.query(sql, params as unknown[]) : pool.query(sql)),
    async transaction(work, opening) {
      const client = await pool.connect();
      try {
        await client.query(opening ? `begin; ${opening}` : 'begin');
        const result = await work(client);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
