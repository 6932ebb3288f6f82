/**
 * Runs one Lighthouse audit in a worker thread, against a Chromium the parent launched. Lighthouse
 * scores a page with seconds of synchronous JavaScript (seconds on a small machine, more on the first
 * audit of a process); on the main thread that would stall the hub's HTTP answers, and Aspen gives up
 * after 5 s. A thread also lets the parent stop an audit at once (terminate) on a timeout.
 *
 * This file must stay loadable by Node without a build step (Node 24 strips the types): tests and
 * `tsx` start it as .ts. So: no relative imports, only erasable TypeScript syntax.
 */
import { parentPort, workerData } from 'node:worker_threads';
import lighthouse from 'lighthouse';

export interface AuditRequest {
  url: string;
  /** Chromium's remote-debugging port. */
  port: number;
  categories: string[];
  maxWaitForLoadMs: number;
}

export type AuditReply = { ok: true; json: string; html: string } | { ok: false; message: string; code?: string };

async function audit(request: AuditRequest): Promise<AuditReply> {
  const result = await lighthouse(request.url, {
    port: request.port,
    logLevel: 'silent',
    output: ['json', 'html'],
    onlyCategories: request.categories,
    maxWaitForLoad: request.maxWaitForLoadMs,
  });
  if (!result) return { ok: false, message: 'Lighthouse returned no result' };
  const [json, html] = Array.isArray(result.report) ? result.report : [result.report, ''];
  if (typeof json !== 'string' || typeof html !== 'string' || html === '') {
    return { ok: false, message: 'Lighthouse did not produce both a JSON and an HTML report' };
  }
  return { ok: true, json, html };
}

async function main(): Promise<void> {
  let reply: AuditReply;
  try {
    reply = await audit(workerData as AuditRequest);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    reply = {
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  parentPort?.postMessage(reply);
}

void main();
