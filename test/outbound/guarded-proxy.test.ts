import { chromium, type Browser } from 'playwright-core';
import { startGuardedProxy, type GuardedProxy } from '../../src/outbound/guarded-proxy.js';
import { createUrlGuard } from '../../src/outbound/url-guard.js';
import { waitFor } from '../support/hub.js';
import { startCountingServer, type CountingServer } from './internal-server.js';

const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/**
 * A real Chromium whose only way out is the guarded proxy, on a page of an allowed host that redirects to
 * an internal address and loads sub-resources from it: the internal server must see nothing.
 */
describe('a browser behind the guarded proxy', () => {
  let internal: CountingServer;
  let allowed: CountingServer;
  let proxy: GuardedProxy;
  let browser: Browser;

  beforeAll(async () => {
    internal = await startCountingServer();
    const page = (res: import('node:http').ServerResponse) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html lang="en"><head><title>t</title>
        <link rel="stylesheet" href="${internal.url}/style.css">
        <script src="${internal.url}/script.js"></script>
        <link rel="icon" href="${internal.url}/favicon.ico"></head>
        <body><img src="${internal.url}/pixel.png" alt="x"><img src="https://127.0.0.1:${internal.port}/tls.png" alt="y">
        <iframe src="http://localhost:${internal.port}/frame"></iframe>
        <script>fetch('${internal.url}/xhr').catch(() => {}); new WebSocket('ws://127.0.0.1:${internal.port}/ws');</script>
        <p id="done">page</p></body></html>`);
    allowed = await startCountingServer({
      '/page': page,
      '/redirect': (res) => res.writeHead(302, { location: `${internal.url}/secret` }).end(),
    });
    proxy = await startGuardedProxy(
      createUrlGuard({ allowedHosts: [`127.0.0.1:${allowed.port}`, `localhost:${internal.port}`] }),
    );
    browser = await chromium.launch({
      executablePath: CHROME_PATH,
      // <-loopback> removes Chromium's built-in bypass of the proxy for localhost and 127.0.0.1.
      args: ['--no-sandbox', `--proxy-server=${proxy.url}`, '--proxy-bypass-list=<-loopback>'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await allowed?.close();
    await internal?.close();
  });

  it('follows nothing to an internal address: the redirect and every sub-resource are refused and recorded', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const redirected = await page.goto(`${allowed.url}/redirect`).catch((error: Error) => error);
    expect(redirected instanceof Error ? 0 : redirected?.status()).not.toBe(200);

    await page.goto(`${allowed.url}/page`, { waitUntil: 'load' });
    // The page loads; wait until the proxy has seen (and refused) every sub-resource it asked for.
    const expected = ['/secret', '/style.css', '/script.js', '/pixel.png', '/xhr'].map(
      (path) => `${internal.url}${path}`,
    );
    await waitFor(
      () => expected.every((url) => proxy.refused.some((entry) => entry.url === url)),
      10_000,
      'the refused sub-resources',
    ).catch(() => undefined);
    await context.close();

    expect(internal.requests).toEqual([]);
    const refused = proxy.refused.map((entry) => entry.url);
    for (const url of expected) expect(refused).toContain(url);
    // https is tunnelled: refused by host and port; a name resolving to loopback is refused after DNS.
    expect(refused).toContain(`https://127.0.0.1:${internal.port}/`);
    expect(proxy.refused).toContainEqual({
      url: `http://localhost:${internal.port}/frame`,
      reason: expect.stringMatching(/resolves to .* \(loopback\)/),
    });
    expect(allowed.requests.map((request) => request.path)).toEqual(expect.arrayContaining(['/redirect', '/page']));
    expect(proxy.allowed).toContain(`${allowed.url}/page`);
  }, 60_000);
});
