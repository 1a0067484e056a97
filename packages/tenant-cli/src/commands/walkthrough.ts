import { join } from 'node:path';
import { SqliteStore } from '@tenant-waves/control-plane';
import { main } from '../cli';
import { Command, positionals } from '../command';
import { stateDirOf } from '../context';
import { Io } from '../io';

/** The seed's tenants: A premium silo in wave 1; B standard silo and C basic pool in wave 2. */
const ONBOARD = [
  ['onboard', 'tenantA', '--tier', 'premium', '--wave', '1'],
  ['onboard', 'tenantB', '--tier', 'standard', '--wave', '2'],
  ['onboard', 'tenantC', '--tier', 'basic', '--wave', '2', '--placement', 'pool'],
];
const SERVICES = [
  ['saas-web', 'fargate-service'],
  ['saas-lambda', 'serverless-service'],
] as const;

export const walkthroughCommand: Command = {
  name: 'walkthrough',
  summary: 'The whole story on this machine (what npm start runs): services, tenants, releases in waves, an approval',
  usage: 'tenant walkthrough [--state-dir DIR]',
  help: `What \`npm start\` runs, on the local backend with no cloud account. Each step is a real
tenant command, printed before it runs:
  1. creates the services saas-web (fargate-service) and saas-lambda (serverless-service);
  2. onboards tenantA (premium, silo, wave 1), tenantB (standard, silo, wave 2) and tenantC
     (basic, pool, wave 2), rendering their environments and instances;
  3. releases v1 of both services with automatic gates;
  4. releases v2 with a manual gate, and approves it itself, printing the command you would type;
  5. shows the tenants, their versions and URLs.
The instances keep running afterwards: browse them with \`tenant serve\`, stop them with
\`tenant stop\`. Running it again works: existing services and tenants are left as they are,
and v1 and v2 are released again.

Example:
  tenant walkthrough --state-dir /tmp/demo`,
  options: {},
  async run(args, io) {
    positionals(this, args, []);
    const stateDir = stateDirOf(args, io);
    const say = (line: string) => io.out(line + '\n');
    // Each step runs the real command; its output is indented under the command line.
    const sub: Io = {
      isTTY: false,
      cwd: io.cwd,
      env: io.env,
      out: (t) => io.out(t.replace(/^(?=.)/gm, '    ')),
      err: (t) => io.err(t.replace(/^(?=.)/gm, '    ')),
    };
    const tenant = async (argv: string[]) => {
      say(`  $ tenant ${argv.join(' ')}`);
      const code = await main([...argv, '--state-dir', stateDir], sub);
      if (code !== 0) throw new Error(`\`tenant ${argv.join(' ')}\` exited with ${code}; see its output above`);
    };

    say(`The local backend keeps its state in ${stateDir}\n`);
    say('Step 1/5  Create the services');
    for (const [name, template] of SERVICES) await tenant(['service', 'create', name, '--template', template]);
    say('\nStep 2/5  Onboard the tenants (environments and instances rendered to CloudFormation)');
    for (const argv of ONBOARD) await tenant(argv);
    await tenant(['plan', 'saas-web']);
    say('\nStep 3/5  Release v1 of both services, wave by wave, with automatic gates');
    for (const [name] of SERVICES) await tenant(['release', name, '--version', 'v1']);
    say('\nStep 4/5  Release v2 with a manual gate after each wave');
    const store = await SqliteStore.open(join(stateDir, 'state.db'));
    try {
      for (const [name] of SERVICES) {
        const since = new Date().toISOString();
        const release = tenant(['release', name, '--version', 'v2', '--approval', 'manual']);
        let done = false;
        release.then(() => (done = true), () => (done = true));
        const approved = new Set<string>();
        while (!done) {
          const r = (await store.listRollouts(name)).find((x) => x.startedAt >= since);
          const key = `${r?.rolloutId}#${r?.waitingWave}`;
          if (r?.status === 'WAITING_APPROVAL' && !approved.has(key) && !(await store.decision(r.rolloutId, r.waitingWave!))) {
            approved.add(key);
            await new Promise((res) => setTimeout(res, 500)); // let the release print its gate first
            say('  (You would approve from another terminal; the walkthrough does it for you.)');
            await tenant(['approve', r.rolloutId]);
          }
          await new Promise((res) => setTimeout(res, 100));
        }
        await release;
      }
    } finally {
      store.close();
    }
    say('\nStep 5/5  Tenants, versions and URLs');
    await tenant(['list']);
    const dirOption = args.values['state-dir'] !== undefined || io.env.TENANT_STATE_DIR ? ` --state-dir ${stateDir}` : '';
    say(`
Done. The instances keep running:
  browse them:         npx tenant serve${dirOption}   (then open http://127.0.0.1:8080/)
  ship a broken build: npx tenant release saas-web --version v3 --artifact <dir with a failing server.js>${dirOption}
  stop them:           npx tenant stop${dirOption}`);
    return 0;
  },
};
