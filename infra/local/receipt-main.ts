import { processOutput } from './cli-args';
import { runReceiptCli } from './receipt-cli';

void runReceiptCli(process.argv.slice(2), processOutput.out, processOutput.err).then((code) => {
  process.exitCode = code;
});
