import { startSlackView } from '../../demo/slack-view.js';
import { FakeSlack } from '../fakes/slack.js';

describe("the demo's page of what the fake Slack received", () => {
  let slack: FakeSlack;
  let view: { url: string; stop(): Promise<void> };

  const post = async (body: Record<string, unknown>) => {
    const response = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-fake-token', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { ok: boolean; ts: string };
  };

  beforeAll(async () => {
    slack = await FakeSlack.start();
    view = await startSlackView(slack, 0);
  });
  afterAll(async () => {
    await view?.stop();
    await slack?.close();
  });

  it('shows each channel with its messages and their threads, payload text as text', async () => {
    const root = await post({
      channel: '#deployments',
      text: ':rotating_light: *&lt;script&gt;alert(1)&lt;/script&gt;* is down <https://hub.example.com/checks/x|The check>',
    });
    expect(root.ok).toBe(true);
    await post({
      channel: '#deployments',
      thread_ts: root.ts,
      text: ':white_check_mark: Recovered <javascript:alert(1)|click>',
    });

    const response = await fetch(view.url);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toContain('<h2>#deployments <small>1 message(s)</small></h2>');
    expect(page).toContain('🚨 <b>&lt;script&gt;alert(1)&lt;/script&gt;</b> is down');
    expect(page).not.toContain('<script>');
    expect(page).toContain('<a href="https://hub.example.com/checks/x">The check</a>');
    expect(page).toMatch(/<ul class="thread"><li>.*✅ Recovered click/s);
    expect(page).not.toContain('javascript:');
  });

  it('answers 404 to anything but its one page', async () => {
    expect((await fetch(`${view.url}api/chat.postMessage`)).status).toBe(404);
  });
});
