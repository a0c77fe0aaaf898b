import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stages } from '../../infra/config/stages';

/** Text checks on the GitHub Actions workflows (no YAML parser in the project's dependencies). */
const root = join(__dirname, '..', '..');
const deploy = readFileSync(join(root, '.github/workflows/deploy.yml'), 'utf8');
const cdkDeploy = readFileSync(join(root, '.github/workflows/cdk-deploy.yml'), 'utf8');

describe('CI workflows', () => {
  it('test every change with npm test and synthesize every stage', () => {
    expect(deploy).toMatch(/^\s+- run: npm ci$/m);
    expect(deploy).toMatch(/^\s+- run: npm test$/m);
    expect(deploy).toMatch(/^\s+- run: npm run synth$/m);
    for (const stage of Object.keys(stages).filter((s) => s !== 'dev')) {
      expect(deploy).toContain(`-c stage=${stage}`);
    }
  });

  it('deploy from main only, after the tests, every stage in order', () => {
    expect(deploy).toContain("github.ref == 'refs/heads/main'");
    expect(deploy).toMatch(/deploy-dev:\n(?:.*\n)*?\s+needs: test\n/);
    expect(deploy).toMatch(/deploy-prod:\n\s+needs: deploy-dev\n/);
    expect(cdkDeploy).toMatch(/npx cdk deploy --all -c stage=\$\{\{ inputs\.stage \}\} --require-approval never/);
  });

  it('reach AWS through OIDC role assumption, never stored keys', () => {
    expect(cdkDeploy).toContain('id-token: write');
    expect(cdkDeploy).toContain('aws-actions/configure-aws-credentials@');
    expect(cdkDeploy).toContain('role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}');
    for (const text of [deploy, cdkDeploy]) {
      expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|secrets\.AWS/);
    }
  });

  it('keep the CDK CLI quiet offline: no version check, no telemetry', () => {
    for (const text of [deploy, cdkDeploy]) {
      expect(text).toContain("CDK_DISABLE_VERSION_CHECK: 'true'");
      expect(text).toContain("CDK_DISABLE_CLI_TELEMETRY: 'true'");
    }
  });
});
