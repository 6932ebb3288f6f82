/**
 * The fake Slack as a standalone server, for trying the hub by hand (README: "Try it"):
 *   npx tsx test/fakes/run-fake-slack.ts            # listens on 127.0.0.1:4000
 * then start the hub with SLACK_TOKEN=xoxb-fake-token SLACK_API_BASE_URL=http://127.0.0.1:4000/api/.
 * Prints every Web API call it receives: method, channel, thread, text.
 */
import { FakeSlack } from './slack.js';

const port = Number(process.env.FAKE_SLACK_PORT ?? 4000);
const slack = await FakeSlack.start({
  port,
  onRequest: (request) => {
    const body = request.body as { channel?: string; thread_ts?: string; ts?: string; text?: string };
    const where = [body.channel, body.thread_ts ? `thread ${body.thread_ts}` : body.ts ? `message ${body.ts}` : null]
      .filter(Boolean)
      .join(' ');
    process.stdout.write(
      `${request.path.replace('/api/', '')} ${where}\n  ${String(body.text ?? '')
        .split('\n')
        .join('\n  ')}\n`,
    );
  },
});
process.stdout.write(`fake Slack on ${slack.apiUrl} (token xoxb-fake-token)\n`);
process.on('SIGINT', () => void slack.close().then(() => process.exit(0)));
