import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestHub, type TestHub } from '../support/hub.js';
import type { Json } from '../support/json.js';

const run = promisify(execFile);
const GUIDE = path.join(import.meta.dirname, '../../docs/guides/connect-your-pipeline.md');
const TOKEN = 'guide-ingest-token-0123456789';

/** The guide's copy-paste CDEvents script, run as written (sh and curl) against a hub. */
describe('docs/guides/connect-your-pipeline.md', () => {
  let hub: TestHub;
  let dir: string;

  beforeAll(async () => {
    hub = await startTestHub({
      modules: [],
      env: { INGEST_TOKENS: `ci:${TOKEN}`, ENVIRONMENT_CLUSTERS: 'production:active' },
    });
    dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-guide-'));
  });
  afterAll(async () => {
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a deployment with its first sh script, as the guide says', async () => {
    const script = /```sh\n([\s\S]*?)```/.exec(readFileSync(GUIDE, 'utf8'))![1]!;
    const file = path.join(dir, 'report-deployment.sh');
    await writeFile(file, script, { mode: 0o755 });
    const { stdout } = await run('sh', [file, 'guide-app', '1.2.3', 'production'], {
      env: { ...process.env, ALVARES_URL: hub.url, ALVARES_INGEST_TOKEN: TOKEN },
    });
    const answer = JSON.parse(stdout) as { id: string; type: string; source: string };
    expect(answer).toMatchObject({ type: 'deployment', source: 'cdevents' });
    const event = (await (await fetch(`${hub.url}/api/v1/events/${answer.id}`)).json()) as Json;
    expect(event).toMatchObject({ sender: 'ci', source: 'cdevents' });
    expect(event.payload).toMatchObject({
      applicationName: 'guide-app',
      version: '1.2.3',
      cluster: 'active',
      slackChannels: ['#team-studadm'],
      applicationPath: '/guide-app',
    });
  });
});
