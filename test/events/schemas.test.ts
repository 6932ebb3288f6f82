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
  it('names each bad field', () => {
    const result = deploymentSchema.safeParse(
      aspenDeployment({ applicationName: '', replicas: 'two', created: 'yesterday' }),
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
