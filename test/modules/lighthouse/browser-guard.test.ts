import request from 'supertest';
import { lighthouseModule } from '../../../modules/lighthouse/index.js';
import { aspenDeployment } from '../../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../../support/hub.js';
import { startCountingServer, type CountingServer } from '../../outbound/internal-server.js';
import { ACCESSIBLE_PAGE } from './pages.js';

const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

interface Delivery {
  module: string;
  status: string;
  result: {
    summary: string;
    details?: {
      pages: Array<{ url: string; blocked?: Array<{ url: string; reason: string }> }>;
      refused?: Array<{ url: string; reason: string }>;
    };
  } | null;
  lastError: { message: string; code?: string; permanent?: boolean } | null;
}

/**
 * The measured blind SSRF: an allowed cluster host with an open redirect to an internal address, and a
 * page loading sub-resources from it. With the browser behind the guard, the internal server sees nothing.
 */
describe('Lighthouse audits: every request of the browser goes through the outbound guard', () => {
  let internal: CountingServer;
  let app: CountingServer;
  let hub: TestHub;

  beforeAll(async () => {
    internal = await startCountingServer();
    const leaky = ACCESSIBLE_PAGE.replace(
      '</main>',
      `<img src="${internal.url}/pixel.png" alt="tracking pixel" width="1" height="1">
       <script src="${internal.url}/script.js"></script>
       <script>fetch('${internal.url}/xhr').catch(() => {});</script></main>`,
    ).replace('<title>', `<link rel="icon" href="${internal.url}/favicon.ico"><title>`);
    app = await startCountingServer({
      '/open-redirect': (res) => res.writeHead(302, { location: `${internal.url}/secret` }).end(),
      '/leaky': (res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(leaky),
      '/robots.txt': (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n'),
    });
    // The app host is allowed by address and port; the internal server is the same address on another port.
    hub = await startTestHub({
      modules: [lighthouseModule],
      env: { ACTIVE_APP_HOST: app.url, CHROME_PATH, LIGHTHOUSE_TIMEOUT_MS: '90000' },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await app?.close();
    await internal?.close();
  });

  it('refuses the redirect to an internal address and every sub-resource there, fetching nothing from it', async () => {
    const answer = await request(hub.url)
      .put('/api/v1/deployment')
      .send(
        aspenDeployment({
          applicationName: 'guarded-app',
          version: 'g-1',
          testAccessibility: true,
          accessibilityUrls: `${app.url}/open-redirect,${app.url}/leaky`,
        }),
      )
      .expect(200);
    const delivery = await waitFor(
      async () => {
        const res = await request(hub.url).get(`/api/v1/events/${answer.body.id}`).expect(200);
        const found = (res.body.deliveries as Delivery[]).find((candidate) => candidate.module === 'lighthouse');
        return found && ['succeeded', 'dead'].includes(found.status) ? found : null;
      },
      150_000,
      'the lighthouse delivery',
    );

    expect(internal.requests).toEqual([]);
    expect(app.requests.map((req) => req.path)).toEqual(expect.arrayContaining(['/open-redirect', '/leaky']));
    expect(delivery.status).toBe('succeeded');
    const details = delivery.result!.details!;
    expect(details.refused).toEqual([
      {
        url: `${app.url}/open-redirect`,
        reason: expect.stringContaining(
          `redirected to ${internal.url}/secret, refused: host 127.0.0.1:${internal.port} is not a cluster host`,
        ),
      },
    ]);
    const blocked = details.pages.find((page) => page.url === `${app.url}/leaky`)!.blocked!.map((entry) => entry.url);
    expect(blocked).toEqual(expect.arrayContaining([`${internal.url}/pixel.png`, `${internal.url}/script.js`]));
    // Only the page's own requests are listed (Chromium's background calls are refused too, unlisted).
    expect(blocked.every((url) => url.startsWith(internal.url))).toBe(true);
    expect(delivery.result!.summary).toContain(`refused ${app.url}/open-redirect`);
  }, 180_000);
});
