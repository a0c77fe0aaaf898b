import { runReceiptCli } from './receipt-cli';

void runReceiptCli(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then((code) => {
  process.exitCode = code;
});
