import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, StreamViewType, TableEncryptionV2, TableV2, type ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { table as tableSpec } from '../catalog';
import type { StageConfig } from '../config/stages';

export interface DataStackProps extends StackProps {
  config: StageConfig;
}

/** The one table: customers, users, devices, sessions, deletion requests, audit, idempotency
 * records and the outbox, keyed as the catalog says. */
export class DataStack extends Stack {
  readonly table: ITableV2;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.table = new TableV2(this, tableSpec.id, {
      partitionKey: { name: tableSpec.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableSpec.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: tableSpec.globalSecondaryIndexes.map((gsi) => ({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey, type: AttributeType.STRING },
        sortKey: { name: gsi.sortKey, type: AttributeType.STRING },
        ...('nonKeyAttributes' in gsi ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...gsi.nonKeyAttributes] } : {}),
      })),
      // TableV2 bills on demand unless told otherwise: nothing to pay for while idle but storage.
      timeToLiveAttribute: tableSpec.ttlAttribute,
      // The outbox relay reads new outbox items from here.
      dynamoStream: StreamViewType[tableSpec.streamViewType],
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.production,
      removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
