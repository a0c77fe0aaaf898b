import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StageConfig } from '../../../infra/config/stages';
import { createServiceStacks, type ServiceStacks } from '../../../infra/stacks/service';

export type StackKey = keyof ServiceStacks;

const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export interface SynthesizedService {
  app: App;
  stacks: ServiceStacks;
  assembly: CloudAssembly;
  templates: Record<StackKey, Template>;
  /** What the validation plugins reported (CDK downgrades CloudFormation schema errors to warnings). */
  validationReport(): ValidationReport;
  /** Removes the temporary cloud assembly directory. */
  cleanup(): void;
}

export interface SynthOptions {
  /** Run esbuild for every function (slower; needed to look at the bundles). Default false. */
  bundle?: boolean;
  /** Register cdk-nag's AwsSolutions pack, as infra/app.ts does: synth throws on a finding. */
  nag?: boolean;
  /** Run CDK's built-in CloudFormation schema validation (~3 s; `cdk synth` always runs it). Default false. */
  cfnValidation?: boolean;
}

/**
 * Builds the whole service for a stage in a fresh App, synthesizes it once into a temporary
 * directory, and returns one Template per stack: test files call this once, in beforeAll.
 */
export function synthesizeService(config: StageConfig, options: SynthOptions = {}): SynthesizedService {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-test-'));
  const app = new App({
    outdir,
    // Without bundling, assets get a placeholder (the catalog's entries must still exist).
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: options.cfnValidation ?? false,
  });
  const restorePath = options.bundle ? esbuildWithoutNpx() : () => undefined;
  let stacks: ServiceStacks;
  let assembly: CloudAssembly;
  try {
    stacks = createServiceStacks(app, config);
    if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    assembly = app.synth();
  } finally {
    restorePath();
  }
  const templates = Object.fromEntries(
    (Object.keys(stacks) as StackKey[]).map((key) => [key, Template.fromJSON(assembly.getStackByName(stacks[key].stackName).template)]),
  ) as Record<StackKey, Template>;
  return { app, stacks, assembly, templates, validationReport: () => readValidationReport(outdir), cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/**
 * CDK bundles each function (in the constructor) with `npx --no-install esbuild …` run in the project
 * root, because esbuild is a package of the project: npx resolves that to `node_modules/.bin/esbuild`.
 * npx's own start costs ~0.8 s a function (24 functions: most of a bundled synth's time), so while a
 * test synthesizes, an `npx` earlier on PATH runs that same binary directly for exactly that call, and
 * hands every other call to the real npx. The bundles are the ones `cdk synth` builds: same binary,
 * same arguments, same working directory. Returns what puts PATH back.
 */
function esbuildWithoutNpx(): () => void {
  const realNpx = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'npx'))
    .find((file) => existsSync(file));
  const esbuild = join(REPO_ROOT, 'node_modules', '.bin', 'esbuild');
  if (realNpx === undefined || !existsSync(esbuild)) return () => undefined;
  const bin = mkdtempSync(join(tmpdir(), 'npx-esbuild-'));
  writeFileSync(
    join(bin, 'npx'),
    [
      '#!/bin/sh',
      `if [ "$1" = "--no-install" ] && [ "$2" = "esbuild" ] && [ "$(pwd -P)" = ${shellQuote(realpathSync(REPO_ROOT))} ]; then shift 2; exec ${shellQuote(esbuild)} "$@"; fi`,
      `exec ${shellQuote(realNpx)} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const saved = process.env.PATH;
  process.env.PATH = `${bin}${delimiter}${saved ?? ''}`;
  return () => {
    process.env.PATH = saved;
    rmSync(bin, { recursive: true, force: true });
  };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface ValidationReport {
  pluginReports: { pluginName: string; violations: { ruleName: string; description: string }[] }[];
}

function readValidationReport(outdir: string): ValidationReport {
  const file = join(outdir, 'validation-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ValidationReport) : { pluginReports: [] };
}

type CfnResource = { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown };

export function resourcesOfType(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/* The Template assertions under names the test linter knows as assertions (`assert*`). */

export function assertResourceProperties(template: Template, type: string, props: unknown): void {
  template.hasResourceProperties(type, props);
}

export function assertResource(template: Template, type: string, props: unknown): void {
  template.hasResource(type, props);
}

export function assertResourceCount(template: Template, type: string, count: number): void {
  template.resourceCountIs(type, count);
}
