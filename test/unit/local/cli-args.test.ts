import { CliError, integerOption, originOption, parseCommandLine, portOption, runCommand, UsageError, type CliOutput } from '../../../infra/local/cli-args';

/** The shared parser of every local CLI: --help, one-line usage errors, exit codes, never a stack trace. */

const command = {
  name: 'npm run demo',
  usage: 'Usage: npm run demo -- --name NAME [--loud]',
  options: { name: { type: 'string' }, loud: { type: 'boolean' } },
} as const;

function capture(): CliOutput & { lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, out: (line) => lines.out.push(line), err: (line) => lines.err.push(line) };
}

describe('parseCommandLine', () => {
  it('returns the options given', () => {
    expect(parseCommandLine(command, ['--name', 'x', '--loud'])).toEqual({ help: false, values: { name: 'x', loud: true }, positionals: [] });
  });

  it.each([[['--help']], [['-h']], [['--name', 'x', '--help']]])('answers %j with help, whatever else is given', (args) => {
    expect(parseCommandLine(command, args)).toEqual({ help: true });
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--name'], "Option '--name <value>' argument missing"],
    [['stray'], "Unexpected argument 'stray'"],
  ])('refuses %j with a UsageError naming the problem in one line', (args, message) => {
    expect(() => parseCommandLine(command, args)).toThrow(new UsageError(message));
  });
});

describe('option values', () => {
  it.each([
    ['0', 0],
    ['3000', 3000],
    ['65535', 65535],
  ])('reads port %s', (text, port) => {
    expect(portOption(text)).toBe(port);
  });

  it.each(['abc', '-1', '65536', '3000x', '', '1e3'])('refuses port %j, naming the option and the value', (text) => {
    expect(() => portOption(text)).toThrow(new UsageError(`--port must be a TCP port number (0-65535), got '${text}'`));
  });

  it('refuses a whole number below its minimum, and a fraction', () => {
    expect(integerOption('5', '--n', 'at least 1', 1)).toBe(5);
    expect(integerOption('-60', '--ttl', 'seconds')).toBe(-60);
    expect(() => integerOption('0', '--n', 'at least 1', 1)).toThrow("--n must be at least 1, got '0'");
    expect(() => integerOption('1.5', '--n', 'at least 1', 1)).toThrow("--n must be at least 1, got '1.5'");
  });

  it('reads an origin exactly as a browser sends it, and refuses anything more or less', () => {
    expect(originOption('http://localhost:5173', '--console-origin')).toBe('http://localhost:5173');
    expect(originOption('https://console.example.org', '--console-origin')).toBe('https://console.example.org');
    for (const text of ['http://localhost:5173/', 'https://console.example.org/app', 'localhost:5173', 'ftp://files.example.org', 'HTTP://LOCALHOST']) {
      expect(() => originOption(text, '--console-origin')).toThrow(/^--console-origin must be an origin as a browser sends it/);
    }
  });
});

describe('runCommand', () => {
  it('prints the usage on stdout for --help and exits 0 without running', async () => {
    const output = capture();
    const main = jest.fn();

    const code = await runCommand(command, ['--help'], main, output);

    expect(code).toBe(0);
    expect(output.lines).toEqual({ out: [command.usage], err: [] });
    expect(main).not.toHaveBeenCalled();
  });

  it('prints one line naming a bad option, then the usage, and exits 2', async () => {
    const output = capture();

    const code = await runCommand(command, ['--bogus'], jest.fn(), output);

    expect(code).toBe(2);
    expect(output.lines).toEqual({ out: [], err: ["npm run demo: Unknown option '--bogus'", command.usage] });
  });

  it('treats a UsageError thrown while running as a usage error', async () => {
    const output = capture();

    const code = await runCommand(command, [], async () => { throw new UsageError('--name is required'); }, output);

    expect(code).toBe(2);
    expect(output.lines.err).toEqual(['npm run demo: --name is required', command.usage]);
  });

  it('prints a refusal as its own line, exit 1, without the usage', async () => {
    const output = capture();

    const code = await runCommand(command, [], async () => { throw new CliError('The local stack is not running.'); }, output);

    expect(code).toBe(1);
    expect(output.lines.err).toEqual(['The local stack is not running.']);
  });

  it('reduces an unexpected error to one line, never its stack', async () => {
    const output = capture();
    const error = new Error('socket hang up\nmore detail');

    const code = await runCommand(command, [], async () => { throw error; }, output);

    expect(code).toBe(1);
    expect(output.lines.err).toEqual(['npm run demo failed: socket hang up']);
    expect(output.lines.err.join('\n')).not.toContain(' at ');
  });

  it('returns what main returns', async () => {
    expect(await runCommand(command, ['--name', 'x'], async (values) => (values.name === 'x' ? 3 : 4), capture())).toBe(3);
  });
});
