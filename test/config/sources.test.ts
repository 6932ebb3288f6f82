import { coreSecrets, parseCoreConfig } from '../../src/config/config.js';
import { parseSources } from '../../src/config/sources.js';

describe('the sources configuration', () => {
  it('maps environment names case-insensitively and repositories to applications', () => {
    const { value, problems } = parseSources({
      ENVIRONMENT_CLUSTERS: ' Production:active , staging:stage',
      REPOSITORY_APPLICATIONS: 'KTH/lms-monorepo:lms-web',
      SAME_DEPLOYMENT_WINDOW_SECONDS: '120',
    });
    expect(problems).toEqual([]);
    expect(value).toMatchObject({
      environmentClusters: { production: 'active', staging: 'stage' },
      repositoryApplications: { 'kth/lms-monorepo': 'lms-web' },
      sameDeploymentWindowSeconds: 120,
    });
    expect(parseSources({}).value).toMatchObject({ environmentClusters: {}, sameDeploymentWindowSeconds: 300 });
  });

  it('lists every problem at once, naming the variable and never a secret', () => {
    const { problems } = parseSources({
      ENVIRONMENT_CLUSTERS: 'production,staging:stage,staging:active',
      GITHUB_WEBHOOK_SECRET: 'short-secret',
      GITLAB_WEBHOOK_TOKEN: 'tiny',
      SAME_DEPLOYMENT_WINDOW_SECONDS: '-1',
    });
    expect(problems).toEqual([
      'GITHUB_WEBHOOK_SECRET: must be at least 16 characters',
      'GITLAB_WEBHOOK_TOKEN: must be at least 16 characters',
      'ENVIRONMENT_CLUSTERS: "production" is not "name:value"',
      'ENVIRONMENT_CLUSTERS: "staging" is listed twice',
      'SAME_DEPLOYMENT_WINDOW_SECONDS: expected a whole number from 0 (off) to 86400',
    ]);
    expect(problems.join('\n')).not.toContain('short-secret');
  });

  it('hands the webhook secrets to the redactor', () => {
    const env = { GITHUB_WEBHOOK_SECRET: 'github-secret-0123456789', GITLAB_WEBHOOK_TOKEN: 'gitlab-token-0123456789' };
    const parsed = parseCoreConfig(env);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(coreSecrets(parsed.value, env)).toEqual(
      expect.arrayContaining(['github-secret-0123456789', 'gitlab-token-0123456789']),
    );
  });
});
