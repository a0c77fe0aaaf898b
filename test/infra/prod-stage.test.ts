import { Match, type Template } from 'aws-cdk-lib/assertions';
import { functions, queues, streamConsumers } from '../../infra/catalog';
import { stageConfig } from '../../infra/config/stages';
import { assertResource, assertResourceCount, assertResourceProperties, synthesizeService, type StackKey, type SynthesizedService } from './support/service-app';

/** The production stage (with cdk-nag, so its extra resources are checked too). */
const config = stageConfig('prod');
let service: SynthesizedService;
let t: Record<StackKey, Template>;

beforeAll(() => {
  service = synthesizeService(config, { nag: true });
  t = service.templates;
}, 120_000);

afterAll(() => service?.cleanup());

describe('production stage', () => {
  it('retains the table and protects it from deletion', () => {
    assertResource(t.data, 'AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Replicas: [Match.objectLike({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      }),
    });
  });

  it('turns on termination protection for every stack', () => {
    for (const stack of Object.values(service.stacks)) {
      expect({ stack: stack.stackName, protected: stack.terminationProtection }).toEqual({ stack: stack.stackName, protected: true });
    }
  });

  it('keeps logs for the configured retention, and keeps them when the stack goes', () => {
    for (const key of ['api', 'workers'] as const) {
      const groups = Object.values(t[key].findResources('AWS::Logs::LogGroup')) as { Properties: { RetentionInDays: number }; DeletionPolicy: string }[];
      expect(groups.length).toBeGreaterThan(0);
      for (const g of groups) {
        expect(g.Properties.RetentionInDays).toBe(config.logs.retention);
        expect(g.DeletionPolicy).toBe('Retain');
      }
    }
  });

  it('uses the production throttling', () => {
    assertResourceProperties(t.api, 'AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: config.throttle.rateLimit, ThrottlingBurstLimit: config.throttle.burstLimit },
    });
  });

  it('sends every alarm to one KMS-encrypted, TLS-only topic that CloudWatch may publish to', () => {
    assertResourceCount(t.monitoring, 'AWS::SNS::Topic', 1);
    const [topicId] = Object.keys(t.monitoring.findResources('AWS::SNS::Topic'));
    const [keyId] = Object.keys(t.monitoring.findResources('AWS::KMS::Key'));
    assertResourceProperties(t.monitoring, 'AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    assertResourceProperties(t.monitoring, 'AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
    assertResourceProperties(t.monitoring, 'AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });

    const alarms = Object.values(t.monitoring.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmActions?: unknown } }[];
    // One per DLQ, the relay-failures queue, API 5xx, errors and throttles per function, the relay's iterator age,
    // and the reconciler's two (overdue requests, republished events).
    expect(alarms.length).toBe(queues.length + 1 + 1 + 2 * functions.length + streamConsumers.length + 2);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });
});
