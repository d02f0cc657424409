import { Command, Option } from 'commander';
import { readBundleFolder, starterPackDir } from '../../engine/config-folder.js';
import { diffCommand, exportCommand, publishCommand, validateCommand } from './commands.js';
import { writeEntityTypes } from './entity-types.js';
import { seedCommand } from './seed.js';
import { auditVerifyCommand } from './audit.js';
import { simulateCommand } from './simulate.js';
import { CliError, print, printError } from './output.js';
import { relative } from 'node:path';

const program = new Command('flowcrm')
  .description('flowcrm configuration tools: validate, publish, export, diff, simulate, generate types, seed, verify the audit log')
  .showHelpAfterError();

function withApi(command: Command): Command {
  return command
    .addOption(new Option('--url <url>', 'the flowcrm API').env('FLOWCRM_URL').default('http://127.0.0.1:3000'))
    .option('--user <name>', 'login name (or FLOWCRM_USER; FLOWCRM_TOKEN skips the login)')
    .option('--password <password>', 'password (or FLOWCRM_PASSWORD)');
}

program.command('validate')
  .description('validate a configuration folder; prints each error as <file>: <path> <code> <message>')
  .argument('<dir>', 'configuration folder (bundle.json, entities/, approval-chains/, processes/, ...)')
  .action((dir: string) => validateCommand(dir));

withApi(program.command('publish'))
  .description('publish a configuration folder as a new version')
  .argument('<dir>', 'configuration folder')
  .option('--force', 'publish even if existing records would break')
  .option('--backfill <json>', 'values for records missing a field, {"entity": {"field": value}}, as JSON or @file')
  .action((dir: string, options) => publishCommand(dir, options));

withApi(program.command('export'))
  .description('write the published configuration as a folder, one file per item')
  .argument('<dir>', 'target folder (must be empty unless --force)')
  .option('--version <n>', 'an earlier version instead of the current one')
  .option('--force', 'replace the configuration files in a non-empty folder')
  .action((dir: string, options) => exportCommand(dir, options));

withApi(program.command('diff'))
  .description('list the changed items between two configurations: folders or version numbers')
  .argument('<a>', 'folder or version number')
  .argument('<b>', 'folder or version number')
  .option('--json', 'print the changes as JSON')
  .action((a: string, b: string, options) => diffCommand(a, b, options));

withApi(program.command('simulate'))
  .description('simulate a process of a configuration folder on the server, on simulated time; prints the timeline')
  .argument('<dir>', 'configuration folder (the draft to simulate)')
  .argument('<process>', 'the process to run')
  .requiredOption('--record <file>', 'the sample record data, as a JSON file')
  .option('--script <file>', 'the scripted task answers and events: {"tasks": [...], "events": [...]}, as a JSON file')
  .option('--requester <user>', 'who starts the run (default: the logged-in user)')
  .option('--start <iso>', 'the simulated start (default: now)')
  .option('--until <duration|iso>', 'stop there at the latest (default P365D)')
  .option('--json', 'print the whole response as JSON')
  .action((dir: string, process: string, options) => simulateCommand(dir, process, options));

program.command('types')
  .description('generate TypeScript types of the entity data schemas into <out>/entities/<name>.ts')
  .argument('[dir]', 'configuration folder (default: the starter pack)')
  .option('--out <dir>', 'output folder', 'schemas/generated')
  .action(async (dir: string | undefined, options: { out: string }) => {
    const { bundle } = await readBundleFolder(dir ?? starterPackDir);
    for (const file of await writeEntityTypes(bundle, options.out)) print(`wrote ${relative(process.cwd(), file)}`);
  });

program.command('seed')
  .description('migrate the database at DATABASE_URL and seed the demo organisation and the starter pack')
  .option('--password <password>', 'password of the demo users', 'demo')
  .action((options: { password: string }) => seedCommand(options));

program.command('audit')
  .description('audit log tools')
  .command('verify')
  .description('verify the hash chain of the audit log at DATABASE_URL: every edited, deleted or reordered entry, exit 1')
  .option('--json', 'print the report as JSON')
  .action((options: { json?: boolean }) => auditVerifyCommand(options));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CliError) {
    for (const line of error.lines) printError(line);
    printError(error.message);
    process.exitCode = error.exitCode;
  } else {
    printError(`flowcrm: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  }
}
