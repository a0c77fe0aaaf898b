/** Unit tests never touch the network; integration tests share one DynamoDB Local and one SQS
 * emulator started by the global setup (each test file makes its own uniquely named tables/queues). */
// The SDK's warning that its releases after January 2027 need Node 22 (README "Node versions") would
// otherwise print once per test file: said once in the README, not 100 times here. Workers inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };
// jose and middy ship ESM only: let swc turn them into CommonJS too.
const transformIgnorePatterns = ['/node_modules/(?!(jose|@middy)/)'];

module.exports = {
  testTimeout: 30000,
  // A worker per core. Jest's default is one fewer than the cores: on CI's 2 cores that is 1, which runs
  // every file in band, one after another, while much of the suite waits on processes (DynamoDB Local,
  // SQS, the local stacks and CLIs it starts) with a core idle. Measured on this 2-core machine, 11 files
  // of all three projects: 61.6 s / 53.1 s in band, 34.1 s / 38.6 s with 2 workers. (Integration files
  // already share the run's emulators through tables and queues of their own.)
  maxWorkers: '100%',
  projects: [
    { displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'], transform, transformIgnorePatterns, testEnvironment: 'node' },
    { displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'], transform, transformIgnorePatterns, testEnvironment: 'node' },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};
