import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Two pages to audit. The accessible one has what axe and Lighthouse look for: a language, a title, a
 * description, a main landmark, alt text, labelled controls, large enough tap targets, strong contrast.
 * The other one lacks each of those.
 */
export const ACCESSIBLE_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="description" content="Opening hours and contact form of the test library">
  <title>Test library</title>
  <style>
    body { font: 18px/1.5 sans-serif; color: #111; background: #fff; margin: 2rem; }
    a, button, input { display: inline-block; min-height: 48px; min-width: 48px; padding: 8px; margin: 8px 0; }
  </style>
</head>
<body>
  <main>
    <h1>Test library</h1>
    <p>We are open every weekday from nine to five.</p>
    <img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" alt="The library entrance" width="48" height="48">
    <form>
      <label for="email">Your e-mail address</label>
      <input id="email" name="email" type="email" autocomplete="email">
      <button type="submit">Send</button>
    </form>
    <p><a href="/about">About the test library</a></p>
  </main>
</body>
</html>`;

export const INACCESSIBLE_PAGE = `<!doctype html>
<html>
<head></head>
<body>
  <div style="color:#ccc;background:#fff;font-size:11px">Opening hours in low contrast</div>
  <img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" width="48" height="48">
  <input type="text">
  <button></button>
  <a href="#"></a>
</body>
</html>`;

/** A page that never finishes loading: the response is started and then left open. */
export const HANGING_PATH = '/hanging';

export interface PageServer {
  url: string;
  port: number;
  /** Every request received: path and Host header. */
  requests: Array<{ path: string; host: string | undefined }>;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const requests: PageServer['requests'] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ path, host: req.headers.host });
    if (path === '/robots.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
    } else if (path.startsWith('/good') || path === '/about') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ACCESSIBLE_PAGE);
    } else if (path.startsWith('/bad')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(INACCESSIBLE_PAGE);
    } else if (path === HANGING_PATH) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.write('<!doctype html><html lang="en"><head><title>Loading</title></head><body><p>Still loading');
      open.add(res);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
