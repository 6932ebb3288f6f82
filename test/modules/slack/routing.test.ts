import { slackModule } from '../../../modules/slack/index.js';
import { slackConfigSchema, slackEnablement, slackSecrets } from '../../../modules/slack/config.js';
import {
  channelsForDeployment,
  channelsForError,
  channelsForRecommendation,
  normaliseChannel,
  normaliseChannels,
} from '../../../modules/slack/routing.js';
import { resolveDisabled } from '../../../src/module-system/registry.js';

describe('channel names', () => {
  it('accepts names with or without "#", in any case, and gives "#name"', () => {
    expect(normaliseChannel('team-x')).toBe('#team-x');
    expect(normaliseChannel(' #Team-X ')).toBe('#team-x');
    expect(normaliseChannel('##team-x')).toBe('#team-x');
  });

  it('keeps conversation ids as they are and drops empties and names with spaces', () => {
    expect(normaliseChannel('C0123ABCD9')).toBe('C0123ABCD9');
    expect(normaliseChannel('#')).toBeNull();
    expect(normaliseChannel('two words')).toBeNull();
  });

  it('de-duplicates after normalising, first occurrence first', () => {
    expect(normaliseChannels(['dev', '#ops', '#dev', 'OPS', ''])).toEqual(['#dev', '#ops']);
  });
});

describe('routing, as the original did it', () => {
  const configured = { channelOverride: [], channels: ['#deployments', '#developers'] };
  const overridden = { channelOverride: ['#alvares-test'], channels: ['#deployments'] };

  it('sends a deployment to SLACK_CHANNELS plus its own channels, each once', () => {
    expect(channelsForDeployment(configured, { slackChannels: ['#team-studadm', '#developers'] })).toEqual([
      '#deployments',
      '#developers',
      '#team-studadm',
    ]);
  });

  it('sends everything to the override alone when it is set', () => {
    const own = { slackChannels: ['#team-studadm'] };
    expect(channelsForDeployment(overridden, own)).toEqual(['#alvares-test']);
    expect(channelsForError(overridden, own)).toEqual(['#alvares-test']);
    expect(channelsForRecommendation(overridden, own)).toEqual(['#alvares-test']);
  });

  it('sends an error to its own channels, else to SLACK_CHANNELS', () => {
    expect(channelsForError(configured, { slackChannels: ['#team-studadm'] })).toEqual(['#team-studadm']);
    expect(channelsForError(configured, { slackChannels: [] })).toEqual(['#deployments', '#developers']);
  });

  it('sends a recommendation to its own channels only, and nowhere without any', () => {
    expect(channelsForRecommendation(configured, { slackChannels: ['#team-studadm'] })).toEqual(['#team-studadm']);
    expect(channelsForRecommendation(configured, { slackChannels: [] })).toEqual([]);
  });
});

describe('Slack configuration', () => {
  it('reads the original SLACK_* names with their defaults', () => {
    expect(
      slackConfigSchema.parse({ SLACK_TOKEN: 'xoxb-1', SLACK_CHANNELS: 'deployments, #Developers,deployments' }),
    ).toEqual({
      token: 'xoxb-1',
      webhookUrl: undefined,
      apiBaseUrl: 'https://slack.com/api/',
      channelOverride: [],
      channels: ['#deployments', '#developers'],
      paceMs: 1000,
      burst: 3,
      digestAfter: 3,
      allowedChannels: [],
    });
  });

  it('gives the API base URL the trailing slash the Slack client joins method names onto', () => {
    expect(slackConfigSchema.parse({ SLACK_API_BASE_URL: 'http://127.0.0.1:9/api' }).apiBaseUrl).toBe(
      'http://127.0.0.1:9/api/',
    );
  });

  it('reports bad values by name', () => {
    const parsed = slackConfigSchema.safeParse({ SLACK_WEB_HOOK: 'not a url', SLACK_PACE_MS: 'soon' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'SLACK_PACE_MS',
      'SLACK_WEB_HOOK',
    ]);
  });

  it('is off with a reason when neither a token nor a webhook is set, and on with either', () => {
    expect(slackEnablement(slackConfigSchema.parse({}))).toEqual({
      enabled: false,
      reason: 'neither SLACK_TOKEN nor SLACK_WEB_HOOK is set',
    });
    expect(slackEnablement(slackConfigSchema.parse({ SLACK_TOKEN: 'xoxb-1' }))).toEqual({ enabled: true });
    expect(
      slackEnablement(slackConfigSchema.parse({ SLACK_WEB_HOOK: 'https://hooks.slack.com/services/T/B/x' })),
    ).toEqual({ enabled: true });
  });

  it('declares the token and the webhook URL as secrets', () => {
    const config = slackConfigSchema.parse({
      SLACK_TOKEN: 'xoxb-1',
      SLACK_WEB_HOOK: 'https://hooks.slack.com/services/T/B/x',
    });
    expect(slackSecrets(config)).toEqual(['xoxb-1', 'https://hooks.slack.com/services/T/B/x']);
  });

  it("is turned off by the original's module names in DISABLED_SUBSCRIBERS", () => {
    for (const legacy of ['modules.subscribers.slack', 'modules.subscribers.slack.slack_error']) {
      expect([...resolveDisabled([slackModule], [legacy]).disabled]).toEqual(['slack']);
    }
  });
});
