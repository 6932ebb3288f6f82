import http from 'node:http';
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * The durable reference of benchmark (a): the honest ceiling for a server that answers 200 only once the
 * request is committed. node:http reads and parses the JSON, stores it as one JSONB row, and answers after
 * the commit; requests arriving while a commit runs go together in the next one (group commit, one
 * statement, one synced commit per batch), as the hub's ingest does. No validation, enrichment, queue or
 * delivery: what is left of the hub's cost above this line is what the hub adds.
 */
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });

interface Waiting {
  id: string;
  body: string;
  done: (error: Error | null) => void;
}

let queue: Waiting[] = [];
let committing = false;

async function commitWaiting(): Promise<void> {
  if (committing || queue.length === 0) return;
  committing = true;
  const batch = queue;
  queue = [];
  try {
    await pool.query('insert into reference_events (id, body) select * from unnest($1::uuid[], $2::jsonb[])', [
      batch.map((item) => item.id),
      batch.map((item) => item.body),
    ]);
    for (const item of batch) item.done(null);
  } catch (error) {
    for (const item of batch) item.done(error as Error);
  } finally {
    committing = false;
    void commitWaiting();
  }
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: string;
    try {
      body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      res.writeHead(400).end();
      return;
    }
    const id = randomUUID();
    queue.push({
      id,
      body,
      done: (error) => {
        if (error) res.writeHead(503).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, status: 'accepted' }));
      },
    });
    void commitWaiting();
  });
});

async function main(): Promise<void> {
  await pool.query(`create table if not exists reference_events (
    id uuid primary key,
    received_at timestamptz not null default now(),
    body jsonb not null
  )`);
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
  });
}

process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
