import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stageConfig } from '../../infra/config/stages';
import { synthesizeService, type SynthesizedService } from './support/service-app';

/**
 * cfn-lint (1.x, on PATH: `pip install cfn-lint`) over every synthesized dev template. Only errors fail: warnings
 * (W3005, a DependsOn CDK adds beside a GetAtt) are CDK's style, not a deploy risk. A false positive is acknowledged
 * on its resource (Metadata `cfn-lint.config.ignore_checks`) beside a comment saying why.
 */

let service: SynthesizedService;

beforeAll(() => {
  service = synthesizeService(stageConfig('dev'));
}, 60_000);

afterAll(() => service?.cleanup());

interface Finding {
  Level: 'Error' | 'Warning' | 'Informational';
  Filename: string;
  Message: string;
  Rule: { Id: string };
  Location: { Path: (string | number)[] };
}

it('finds no error in any synthesized template', () => {
  const directory = service.assembly.directory;
  const templates = readdirSync(directory).filter((file) => file.endsWith('.template.json'));
  expect(templates.length).toBeGreaterThanOrEqual(6);

  const run = spawnSync('cfn-lint', ['--format', 'json', ...templates.map((file) => join(directory, file))], { encoding: 'utf8', timeout: 90_000 });
  if (run.error) throw new Error(`cfn-lint could not run (is cfn-lint 1.x on PATH? pip install cfn-lint): ${run.error.message}`);
  // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational, and 1 cfn-lint itself failed (a
  // traceback, a bad option), which must not read as "no findings". The JSON on stdout is the answer.
  if (run.status === null || (run.status & 1) !== 0 || (run.stdout.trim() === '' && run.status !== 0)) {
    throw new Error(`cfn-lint failed to run (exit ${run.status ?? run.signal}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  const findings = JSON.parse(run.stdout || '[]') as Finding[];

  const errors = findings
    .filter((finding) => finding.Level === 'Error')
    .map((finding) => `${finding.Rule.Id} ${finding.Filename.split('/').pop()} ${finding.Location.Path.join('/')}: ${finding.Message}`);
  expect(errors).toEqual([]);
}, 120_000);
