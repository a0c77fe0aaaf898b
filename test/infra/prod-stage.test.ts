import { Match, type Template } from 'aws-cdk-lib/assertions';
import { functions, queues, streamConsumers } from '../../infra/catalog';
import { configuredProductionStage, TEST_ALARM_EMAIL } from './support/production-config';
import { assertResource, assertResourceCount, assertResourceProperties, synthesizeService, type StackKey, type SynthesizedService } from './support/service-app';

/** The production stage as a deployer configures it (with cdk-nag, so its extra resources are checked too). */
const config = configuredProductionStage();
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

    const alarms = Object.values(t.monitoring.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmActions?: unknown; OKActions?: unknown } }[];
    // Per queue: its DLQ's depth and its oldest message's age; the relay-failures queue; API 5xx and p99 latency; the
    // table's throttles and system errors; SES bounce and complaint rates; per function: errors, throttles, duration
    // near its timeout; the stream consumers' iterator age; the reconciler's two (overdue requests, republished events).
    expect(alarms.length).toBe(2 * queues.length + 1 + 2 + 2 + 2 + 3 * functions.length + streamConsumers.length + 2);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      // Whoever was paged hears when it is over.
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
  });

  it('subscribes the addresses given at synth to the alarm topic', () => {
    const [topicId] = Object.keys(t.monitoring.findResources('AWS::SNS::Topic'));
    assertResourceCount(t.monitoring, 'AWS::SNS::Subscription', 1);
    assertResourceProperties(t.monitoring, 'AWS::SNS::Subscription', { Protocol: 'email', Endpoint: TEST_ALARM_EMAIL, TopicArn: { Ref: topicId } });
  });

  it('retains every queue and dead-letter queue, 14 days each: a cascade in flight survives the stack', () => {
    const sqsQueues = Object.values(t.messaging.findResources('AWS::SQS::Queue')) as { DeletionPolicy: string; UpdateReplacePolicy: string; Properties: { MessageRetentionPeriod?: number } }[];
    // Each catalog queue, its DLQ, and the relay-failures queue.
    expect(sqsQueues).toHaveLength(2 * queues.length + 1);
    for (const queue of sqsQueues) {
      expect({ deletion: queue.DeletionPolicy, replace: queue.UpdateReplacePolicy, retention: queue.Properties.MessageRetentionPeriod }).toEqual({
        deletion: 'Retain',
        replace: 'Retain',
        retention: 14 * 86_400,
      });
    }
  });
});
