import { ANY_PORTS, DEMO_ADMIN_TOKEN, DemoFakes, demoHubEnv } from '../../demo/fakes.js';
import { HubClient } from '../../demo/hub-client.js';
import { DemoRefusal, checkRunningHub } from '../../demo/preflight.js';
import { startTestHub, type TestHub } from '../support/hub.js';

describe('the demo, before it fills a hub started elsewhere', () => {
  let fakes: DemoFakes;
  let elsewhere: DemoFakes;
  let hub: TestHub;

  beforeAll(async () => {
    fakes = await DemoFakes.start(ANY_PORTS, { slackRateLimit: false });
    // A second set stands for the real services a hub may be pointed at: the demo must not post there.
    elsewhere = await DemoFakes.start(ANY_PORTS, { slackRateLimit: false });
    hub = await startTestHub({ env: demoHubEnv(fakes.urls) });
  });
  afterAll(async () => {
    await hub?.stop();
    await fakes?.stop();
    await elsewhere?.stop();
  });

  it('fills a hub started with the environment the demo prints, without a warning', async () => {
    await expect(checkRunningHub(new HubClient(hub.url, DEMO_ADMIN_TOKEN), fakes.urls)).resolves.toEqual([]);
  });

  it('refuses a wrong admin token, naming where to pass the right one', async () => {
    await expect(checkRunningHub(new HubClient(hub.url, 'not-the-token-0123456789'), fakes.urls)).rejects.toThrow(
      /refused the admin token \(HTTP 401\).*--admin-token/,
    );
  });

  it("refuses a hub whose Slack or webhook would reach someone else's service", async () => {
    const client = new HubClient(hub.url, DEMO_ADMIN_TOKEN);
    const urls = { ...fakes.urls, slackApi: elsewhere.urls.slackApi };
    await expect(checkRunningHub(client, urls)).rejects.toThrow(DemoRefusal);
    await expect(checkRunningHub(client, urls)).rejects.toThrow(
      /Slack module posts to http:\/\/127\.0\.0\.1:\d+\/api\//,
    );
    await expect(checkRunningHub(client, { ...fakes.urls, webhook: elsewhere.urls.webhook })).rejects.toThrow(
      /webhook posts to/,
    );
    expect(elsewhere.slack.requests).toEqual([]);
  });

  it("warns when endpoint health cannot see the demo's monitor pages", async () => {
    const urls = { ...fakes.urls, apps: elsewhere.urls.apps };
    const warnings = await checkRunningHub(new HubClient(hub.url, DEMO_ADMIN_TOKEN), urls);
    expect(warnings).toEqual([expect.stringMatching(/ACTIVE_APP_HOST is not http:\/\/127\.0\.0\.1:\d+/)]);
  });
});
