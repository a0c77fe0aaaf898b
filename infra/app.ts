import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stageConfig, stageInputsFrom } from './config/stages';
import { createServiceStacks } from './stacks/service';

/**
 * CDK entry (cdk.json "app"). The stage comes from context: `cdk deploy -c stage=prod --all`
 * (default `dev`). Account and region are the stage's pins if it has them, else the ones CDK
 * resolves from the caller's credentials; without either the stacks synthesize
 * environment-agnostic, offline.
 * What the deployer gives at synth (the alarm subscribers: `-c alarmEmails=…` or ALARM_EMAILS) is
 * applied to the stage before it is validated: a production stage without subscribers, or still
 * holding the example values, fails here, naming what to set.
 * cdk-nag's AwsSolutions pack runs on every synth: an unacknowledged finding fails it.
 */
const app = new App();
const config = stageConfig(app.node.tryGetContext('stage') ?? 'dev', stageInputsFrom((key) => app.node.tryGetContext(key)));
const account = config.account ?? process.env.CDK_DEFAULT_ACCOUNT;
const region = config.region ?? process.env.CDK_DEFAULT_REGION;

createServiceStacks(app, config, account !== undefined && region !== undefined ? { account, region } : undefined);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
