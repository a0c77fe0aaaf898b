import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../../infra/local/local-config';
import { runtimeInfoFileFor } from '../../../infra/local/runtime-info';

/**
 * The README's examples, run in the order written on a fresh `npm start` (issue: "the README's examples
 * must work when followed in order"). A block runs when the line before its fence is `<!-- example -->`;
 * the blocks run as one bash session (variables carry over), in a scratch directory, against a stack on
 * a free port (the README's `127.0.0.1:3000` and `npm run -s token --` are pointed at it).
 *
 * What a `curl` must answer is what the README says under it: a comment line starting with a status
 * (`# 404 …`) wants that status, anything else 200; every `"key":value` the comments show (without an
 * ellipsis) must be in the body. So a README whose example stops matching the service fails here.
 */

interface Expectation {
  command: string;
  status: number;
  fragments: string[];
}

const FRAGMENT = /"[A-Za-z][A-Za-z0-9]*":(?:"[^"…]*"|true|false|null|-?\d+(?:\.\d+)?)(?=[,}\]])/g;

function exampleBlocks(readme: string): string[] {
  const lines = readme.split('\n');
  const blocks: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i]!.trim() !== '<!-- example -->') continue;
    if (lines[i + 1]?.trim() !== '```bash') throw new Error(`README line ${i + 1}: <!-- example --> must be followed by a \`\`\`bash fence`);
    const end = lines.findIndex((line, j) => j > i + 1 && line.trim() === '```');
    blocks.push(lines.slice(i + 2, end).join('\n'));
    i = end;
  }
  return blocks;
}

/** Each curl command of the blocks, with the status and fragments the comments right under it promise. */
function expectationsOf(blocks: readonly string[]): Expectation[] {
  const expectations: Expectation[] = [];
  for (const block of blocks) {
    const lines = block.split('\n');
    for (let i = 0; i < lines.length; i += 1) {
      let command = lines[i]!;
      while (command.endsWith('\\') && i + 1 < lines.length) command = `${command.slice(0, -1)} ${lines[++i]!.trim()}`;
      if (!/(^|\$\(|\|\s*)curl\s/.test(command.trim()) && !command.trim().startsWith('curl ')) continue;
      const comments: string[] = [];
      while (lines[i + 1]?.trim().startsWith('#')) comments.push(lines[++i]!.trim().replace(/^#\s?/, ''));
      const status = /^(\d{3})\b/.exec(comments[0] ?? '');
      expectations.push({ command: command.trim(), status: status ? Number(status[1]) : 200, fragments: comments.flatMap((c) => c.match(FRAGMENT) ?? []) });
    }
  }
  return expectations;
}

/** Records every curl's status and body for the test, and prints the body as `curl -s` would (for pipes). */
const CURL_WRAPPER = `
curl() {
  local args=()
  for a in "$@"; do [[ "$a" == "-i" || "$a" == "-s" ]] || args+=("$a"); done
  local out; out="$(command curl -s -w '\\n%{http_code}' "\${args[@]}")"
  local code="\${out##*$'\\n'}"; local body="\${out%$'\\n'*}"
  printf '%s\\n' "$body"
  printf '%s\\t%s\\n' "$code" "$(printf '%s' "$body" | base64 -w0)" >> "$CALLS"
}
set -e -o pipefail
`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Ready when its runtime file is written: after every handler is loaded (the port and /health answer before that). */
async function waitForReady(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output()}`);
    if (existsSync(runtimeInfoFileFor(port))) return;
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the README’s examples, in order, on a fresh npm start', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  let stack: ChildProcess | undefined;
  let stackOutput = '';
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    stack = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts', '--port', String(port)], {
      cwd: repoRoot,
      // Its own emulators, as on a fresh machine: not the test run's shared ones.
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_ENDPOINT_URL'))),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stack.stdout?.on('data', (chunk: Buffer) => (stackOutput += chunk.toString()));
    stack.stderr?.on('data', (chunk: Buffer) => (stackOutput += chunk.toString()));
    await waitForReady(port, stack, () => stackOutput.slice(-3000));
  }, 120_000);

  afterAll(async () => {
    if (!stack || stack.exitCode !== null) return;
    const exited = new Promise((resolve) => stack!.once('exit', resolve));
    stack.kill('SIGINT');
    await exited;
  }, 30_000);

  it('finds the marked examples and what each curl must answer', () => {
    const expectations = expectationsOf(exampleBlocks(readme));
    expect(exampleBlocks(readme).length).toBeGreaterThanOrEqual(6);
    expect(expectations.length).toBeGreaterThanOrEqual(20);
    expect(expectations.every((e) => e.fragments.length > 0 || e.status !== 200)).toBe(true);
  });

  it('runs them: every curl answers the status and the fields the README shows', async () => {
    const blocks = exampleBlocks(readme);
    const expectations = expectationsOf(blocks);
    const scratch = mkdtempSync(join(tmpdir(), 'readme-'));
    const calls = join(scratch, 'calls.tsv');
    writeFileSync(calls, '');
    const script = [CURL_WRAPPER, ...blocks]
      .join('\n')
      .replaceAll('http://127.0.0.1:3000', `http://127.0.0.1:${port}`)
      .replaceAll('npm run -s token --', `npm --prefix ${repoRoot} run -s token -- --port ${port}`)
      .replaceAll('npm run -s ', `npm --prefix ${repoRoot} run -s `);
    writeFileSync(join(scratch, 'readme.sh'), script);

    const result = await run('bash', [join(scratch, 'readme.sh')], { cwd: scratch, env: { ...process.env, CALLS: calls } });

    const recorded = readFileSync(calls, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [status, body] = line.split('\t');
        return { status: Number(status), body: Buffer.from(body ?? '', 'base64').toString('utf8') };
      });
    // A command that fails stops the script (set -e): its output says which.
    expect({ exit: result.code, output: result.code === 0 ? '' : `${result.stdout.slice(-1500)}\n${result.stderr.slice(-1500)}` }).toEqual({ exit: 0, output: '' });
    expect(recorded).toHaveLength(expectations.length);
    expectations.forEach((expected, i) => {
      const got = recorded[i]!;
      const missing = expected.fragments.filter((fragment) => !got.body.includes(fragment));
      // On a mismatch the answer itself is shown, so the README can be put right.
      const answer = missing.length > 0 || got.status !== expected.status ? got.body.slice(0, 1500) : '';
      expect({ command: expected.command, status: got.status, missing, answer }).toEqual({ command: expected.command, status: expected.status, missing: [], answer: '' });
    });
  }, 240_000);
});
