import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type PageMode = 'ok' | 'missing' | 'http-500' | 'slow' | 'reset';

/**
 * Monitor pages of applications, as a real HTTP server on a local port: each path answers as its mode says
 * (the keyword, no keyword, HTTP 500, slowly, or a reset connection), and the test flips modes between runs.
 */
export class FlappingEndpoints {
  readonly modes = new Map<string, PageMode>();
  readonly hits: string[] = [];
  private server: http.Server | null = null;
  slowMs = 300;

  constructor(private readonly keyword = 'APPLICATION_STATUS: OK') {}

  /** On `port` (0: a free one, as tests want; the demo asks for a fixed one). */
  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      this.hits.push(path);
      const mode = this.modes.get(path) ?? 'ok';
      if (mode === 'reset') {
        req.socket.destroy();
        return;
      }
      const page = (body: string, status = 200) => {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(body);
      };
      if (mode === 'http-500') page('oops', 500);
      else if (mode === 'missing') page('APPLICATION_STATUS: ERROR database down');
      else if (mode === 'slow') setTimeout(() => page(this.keyword), this.slowMs);
      else page(`${this.keyword}\nall good`);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', resolve);
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve) ?? resolve(undefined));
  }
}
