import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { functions } from '../../infra/catalog';
import { stageConfig } from '../../infra/config/stages';
import { synthesizeService, type SynthesizedService } from './support/service-app';

/** The dev stage with cdk-nag's AwsSolutions pack registered as infra/app.ts does: synth throws
 * on any unacknowledged finding, so getting a service back at all means the pack is clean. */
let service: SynthesizedService;

beforeAll(() => {
  service = synthesizeService(stageConfig('dev'), { nag: true });
}, 120_000);

afterAll(() => service?.cleanup());

interface Acknowledged {
  path: string;
  id: string;
  reason: string;
}

function acknowledgements(app: App): Acknowledged[] {
  return app.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason }))),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(service.app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only the expected rules, each with a reason', () => {
    const acks = acknowledgements(service.app);
    for (const ack of acks) {
      expect({ id: ack.id, reasonLength: ack.reason.trim().length >= 40 }).toEqual({ id: ack.id, reasonLength: true });
    }
    const counts = acks.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.id]: (acc[a.id] ?? 0) + 1 }), {});
    const routes = functions.reduce((n, f) => n + (f.kind === 'api' ? f.routes.length : 0), 0);
    expect(counts).toEqual({
      // Active tracing: X-Ray's two write actions have no resource-level permissions (one per function's role); and the
      // console deployment's CloudFront invalidation.
      'AwsSolutions-IAM5[Resource::*]': functions.length + 1,
      // The JWT is verified inside the function with jose.
      'AwsSolutions-APIG4': routes,
      // The outbox relay's on-failure destination is itself a dead-letter queue.
      'AwsSolutions-SQS3': 1,
      // The operator console (infra/stacks/console-stack.ts): static files with no access logs of their own (the API
      // logs every action), on CloudFront's default certificate, with no geo restriction or WAF in front of files
      // that hold no data.
      'AwsSolutions-S1': 1,
      'AwsSolutions-CFR1': 1,
      'AwsSolutions-CFR2': 1,
      'AwsSolutions-CFR3': 1,
      'AwsSolutions-CFR4': 1,
      // CDK's BucketDeployment handler: its role, runtime and grants, each wildcard by name (plus its invalidation's "*" above).
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]': 1,
      'AwsSolutions-L1': 1,
      'AwsSolutions-IAM5[Action::s3:Abort*]': 1,
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]': 1,
      'AwsSolutions-IAM5[Action::s3:GetBucket*]': 1,
      'AwsSolutions-IAM5[Action::s3:GetObject*]': 1,
      'AwsSolutions-IAM5[Action::s3:List*]': 1,
      'AwsSolutions-IAM5[Resource::<Assets9A31D427.Arn>/*]': 1,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]': 1,
    });
  });
});
