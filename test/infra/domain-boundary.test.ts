import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The domain's import boundary, as the repository's ESLint configuration enforces it: a file under
 * shared/domain may import from shared/domain only, never the deployment topology (infra/catalog),
 * the event wire format, or an AWS SDK. Linted with ESLint's Node API and the real eslint.config.mjs.
 *
 * ESLint loads its flat config with a dynamic `import()`, which Jest's module sandbox refuses
 * without --experimental-vm-modules, so the API runs in one child Node process for all cases.
 */

const REPO_ROOT = resolve(__dirname, '..', '..');
const PROBE_FILE = 'shared/domain/probe.ts';

interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
}

const LINT_SCRIPT = `
import { ESLint } from 'eslint';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const { filePath, codes } = JSON.parse(input);
const eslint = new ESLint({ cwd: process.cwd() });
const ignored = await eslint.isPathIgnored(filePath);
const results = [];
for (const code of codes) {
  const [result] = await eslint.lintText(code, { filePath });
  results.push(result.messages.map(({ ruleId, severity, message }) => ({ ruleId, severity, message })));
}
process.stdout.write(JSON.stringify({ ignored, results }));
`;

const CASES = {
  catalog: "import { steps } from '../../infra/catalog';\nexport const names = steps.map((s) => s.name);\n",
  event: "import type { CascadeEvent } from '../events/cascade-event';\nexport type E = CascadeEvent;\n",
  sdk: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\n",
  model: "import type { Subject } from './model';\nexport const kindOf = (subject: Subject): string => subject.type;\n",
} as const;
type CaseName = keyof typeof CASES;

let linted: { ignored: boolean; results: Record<CaseName, LintMessage[]> };

beforeAll(() => {
  const names = Object.keys(CASES) as CaseName[];
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', LINT_SCRIPT], {
    cwd: REPO_ROOT,
    input: JSON.stringify({ filePath: resolve(REPO_ROOT, PROBE_FILE), codes: names.map((name) => CASES[name]) }),
    encoding: 'utf8',
  });
  const parsed = JSON.parse(output) as { ignored: boolean; results: LintMessage[][] };
  linted = { ignored: parsed.ignored, results: Object.fromEntries(names.map((name, i) => [name, parsed.results[i] ?? []])) as Record<CaseName, LintMessage[]> };
}, 60_000);

describe('the domain import boundary', () => {
  it('applies to the probe file (it is linted, not ignored)', () => {
    expect(linted.ignored).toBe(false);
  });

  it.each([
    ['the catalog (deployment topology)', 'catalog', /deployment topology/],
    ['the event wire format', 'event', /imports only from shared\/domain/],
    ['an AWS SDK client', 'sdk', /no SDKs/],
  ] as const)('refuses a domain file importing %s', (_what, name, message) => {
    // An import may break more than one pattern (the catalog is both topology and outside shared/domain): all are errors of the rule.
    const messages = linted.results[name];
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.map((m) => [m.ruleId, m.severity])).toEqual(messages.map(() => ['no-restricted-imports', 2]));
    expect(messages).toContainEqual({ ruleId: 'no-restricted-imports', severity: 2, message: expect.stringMatching(message) });
  });

  it('accepts a domain file importing from the domain', () => {
    expect(linted.results.model).toEqual([]);
  });
});
