/**
 * Imported first by tests that build the logger themselves: process.env outlives a test file in a Jest
 * worker, and earlier files leave Lambda and Powertools settings in it (the local runtime sets
 * AWS_LAMBDA_MAX_CONCURRENCY, Powertools' concurrent mode, when a stack test invokes a handler; test
 * harnesses set POWERTOOLS_LOG_LEVEL=SILENT). A logger built with them loses lines: each file that
 * reads log lines must start as a fresh process would.
 */
for (const name of Object.keys(process.env)) {
  if (name === 'AWS_LAMBDA_MAX_CONCURRENCY' || name.startsWith('POWERTOOLS_')) delete process.env[name];
}
export {};
