import { deploymentSchema, errorSchema, ingestJsonSchema } from '../../src/events/schemas.js';
import { aspenDeployment } from '../support/aspen.js';

describe('the deployment schema', () => {
  it('accepts Aspen bodies with nulls, numeric replicas and fractional created', () => {
    const parsed = deploymentSchema.parse(aspenDeployment());
    expect(parsed).toMatchObject({ replicas: 2, created: '1763800000.123456', team: null });
  });
  it('accepts replicas as a numeric string and created as a number', () => {
    expect(deploymentSchema.parse(aspenDeployment({ replicas: '4', created: 1763800000 }))).toMatchObject({
      replicas: 4,
      created: '1763800000',
    });
  });
  it('accepts every replicas Aspen sends: counts, "global", and text its stack file holds', () => {
    const replicas = (value: unknown) => deploymentSchema.parse(aspenDeployment({ replicas: value })).replicas;
    expect([replicas(0), replicas(3), replicas('3'), replicas('global'), replicas('replicas'), replicas('')]).toEqual([
      0,
      3,
      3,
      'global',
      'replicas',
      0,
    ]);
  });
  it('cuts over-long display text instead of refusing it, keeping the end of a stack trace', () => {
    const long = 'x'.repeat(20_000);
    const parsed = errorSchema.parse({
      message: `${long}!`,
      slackChannels: null,
      stackTrace: `${long}${long}${long}${long}end`,
    });
    expect(parsed.message).toHaveLength(10_000);
    expect(parsed.message.endsWith('…(truncated)')).toBe(true);
    expect(parsed.stackTrace).toHaveLength(65_536);
    expect(parsed.stackTrace!.startsWith('…(truncated)')).toBe(true);
    expect(parsed.stackTrace!.endsWith('xend')).toBe(true);
  });
  it('names each bad field', () => {
    const result = deploymentSchema.safeParse(
      aspenDeployment({ applicationName: '', replicas: 2.5, created: 'yesterday' }),
    );
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(fields).toEqual(expect.arrayContaining(['applicationName', 'replicas', 'created']));
  });
  it('refuses negative replicas and over-long names', () => {
    expect(deploymentSchema.safeParse(aspenDeployment({ replicas: -1 })).success).toBe(false);
    expect(deploymentSchema.safeParse(aspenDeployment({ applicationName: 'x'.repeat(300) })).success).toBe(false);
  });
  it('drops unknown fields from the validated value, including __proto__', () => {
    const body = JSON.parse('{"applicationName":"a","__proto__":{"polluted":true},"extra":1}');
    const parsed = deploymentSchema.parse(body) as Record<string, unknown>;
    expect(parsed.extra).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the error schema', () => {
  it('requires a message and accepts null channels and stack trace', () => {
    expect(errorSchema.safeParse({ message: 'x', slackChannels: null, stackTrace: null }).success).toBe(true);
    expect(errorSchema.safeParse({ slackChannels: '#a' }).success).toBe(false);
  });
});

describe('JSON Schema export', () => {
  it('describes the input with Aspen field names and required applicationName', () => {
    const schema = ingestJsonSchema('deployment') as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['applicationName', 'replicas', 'slackChannels', 'created']),
    );
    expect(schema.required).toEqual(['applicationName']);
  });
});
