/**
 * The demo talks to the hub only through its public HTTP API, as Aspen, an outside tool and an operator would:
 * ingest, the external checks' reporting API, and two admin calls (create the check, run a schedule now).
 */
export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${typeof body === 'string' ? body : JSON.stringify(body)}`);
  }
}

const TIMEOUT_MS = 10_000;

export class HubClient {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly adminToken: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** One request; a JSON answer parsed. Answers outside 2xx throw unless `allow` lists them. */
  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string | null; allow?: number[] } = {},
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? this.adminToken : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: keep the text for the error
    }
    if (!response.ok && !(options.allow ?? []).includes(response.status)) {
      throw new HubError(response.status, body, `${method} ${path}`);
    }
    return { status: response.status, body: body as T };
  }

  /** Aspen's call: PUT with a JSON body, no credentials. Answers the stored event's id. */
  async ingest(type: 'deployment' | 'error' | 'recommendation', body: Record<string, unknown>): Promise<string> {
    const answer = await this.request<{ id: string }>('PUT', `/api/v1/${type}`, { body, token: null });
    return answer.body.id;
  }

  /**
   * Runs a schedule or inspection now and waits for its run to end. The hub refuses (409) while a run of it is
   * queued or running, which its own timer may have started: then this waits and asks again.
   */
  async runSchedule(id: string, timeoutMs = 30_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    const path = `/api/v1/schedules/${encodeURIComponent(id)}/run`;
    for (;;) {
      const queued = await this.request<{ runId: string; url: string }>('POST', path, { allow: [409] });
      if (queued.status !== 409) return this.waitForRun(id, queued.body.runId, until);
      if (Date.now() > until) throw new Error(`${id} stayed busy for ${timeoutMs} ms`);
      await delay(100);
    }
  }

  private async waitForRun(id: string, runId: string, until: number): Promise<string> {
    const path = `/api/v1/schedules/${encodeURIComponent(id)}/runs/${encodeURIComponent(runId)}`;
    for (;;) {
      const run = await this.request<{ status: string }>('GET', path);
      if (!['queued', 'running'].includes(run.body.status)) return run.body.status;
      if (Date.now() > until) throw new Error(`run ${runId} of ${id} did not end in time`);
      await delay(50);
    }
  }
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
