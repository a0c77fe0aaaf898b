/** Unit tests never touch the network; integration tests share one DynamoDB Local and one SQS
 * emulator started by the global setup (each test file makes its own uniquely named tables/queues). */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };
// jose and middy ship ESM only: let swc turn them into CommonJS too.
const transformIgnorePatterns = ['/node_modules/(?!(jose|@middy)/)'];

module.exports = {
  testTimeout: 30000,
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
