/** A failure the CLI reports as plain lines and an exit code, without a stack trace. */
export class CliError extends Error {
  constructor(message: string, readonly lines: string[] = [], readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

export function print(line = ''): void {
  process.stdout.write(line + '\n');
}

export function printError(line: string): void {
  process.stderr.write(line + '\n');
}
