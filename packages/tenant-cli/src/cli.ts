import { UserError } from '@tenant-waves/control-plane';
import { Command, parseCommandArgs } from './command';
import { COMMANDS } from './commands';
import { Io, processIo } from './io';

const VERSION = '0.1.0';

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `tenant — provision SaaS tenants from templates and roll releases out across them in waves.

Usage: tenant <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Global options:
  --state-dir DIR   where the local backend keeps its state (default: $TENANT_STATE_DIR or ./.tenants)
  --backend B       local (default; $TENANT_BACKEND) or aws: the control-plane stack $TENANT_WAVES_STACK
                    (default TenantWaves), credentials and region from the AWS SDK's standard chain
  --json            machine-readable output, where a command has it
  -h, --help        help for tenant or for a command (tenant <command> --help)
  --version         print the version

Exit codes: 0 done; 1 the operation ran and failed; 2 bad input or usage (nothing was changed).

Example (the local backend, no cloud account needed):
  tenant service create saas-web --template fargate-service
  tenant onboard tenantA --tier premium --wave 1
  tenant onboard tenantB --tier basic --wave 2
  tenant release saas-web --version v1
  tenant release saas-web --version v2 --approval manual   # then, elsewhere: tenant approve <rolloutId>
  tenant list
`;
}

function commandHelp(c: Command): string {
  return `Usage: ${c.usage}\n\n${c.summary}.\n\n${c.help}\n`;
}

/** Runs the CLI and returns its exit code. Never calls process.exit, so tests can drive it. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.out(topic ? commandHelp(topic) : usage());
    return 0;
  }
  if (name === '--version') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command) {
      throw new UserError('E_USAGE', `unknown command "${name}"; run \`tenant --help\` for the list`);
    }
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      io.out(commandHelp(command));
      return 0;
    }
    const backend = (args.values.backend as string | undefined) ?? (io.env.TENANT_BACKEND || 'local');
    if (backend !== 'local' && backend !== 'aws') throw new UserError('E_BACKEND', `--backend must be local or aws, got ${JSON.stringify(backend)}`);
    if (backend === 'aws' && command.name !== 'synth' && !command.backends?.includes('aws')) {
      throw new UserError('E_BACKEND', `tenant ${command.name} runs on the local backend only; drop --backend aws`);
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`tenant: ${e.message}\n`);
      return 2;
    }
    io.err(`tenant: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
