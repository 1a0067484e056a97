import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifact, seedWorld, snapshot, stopAll, tempDir, tenant, tenantJson } from './support';

// Each kind of bad input exits 2 with a message that names the field or value and what to do,
// prints nothing on stdout, and leaves the state database (and kept files) exactly as it was.
let stateDir: string;
let files: string;
let doneRollout: string;

beforeAll(() => {
  stateDir = seedWorld();
  // One finished release, so there are rollouts and versions to get wrong.
  const r = tenant(['release', 'saas-web', '--version', 'v1'], { stateDir });
  if (r.code !== 0) throw new Error(r.stderr + r.stdout);
  doneRollout = tenantJson<any[]>(['rollouts'], stateDir)[0].rolloutId;
  files = tempDir('specs');
  const write = (name: string, text: string) => writeFileSync(join(files, name), text);
  write('broken.yaml', 'proton: EnvironmentSpec\nspec:\n  vpc_cidr_block: [10.0.0.0/16\n');
  write('broken.json', '{"proton": "EnvironmentSpec", "spec": {"vpc_cidr_block": }');
  write('bad-cidr.yaml', 'proton: EnvironmentSpec\nspec:\n  vpc_cidr_block: not-a-cidr\n  nat_gateways: 7\n');
  write('service.yaml', 'proton: ServiceSpec\npipeline:\n  totalwaves: 1\ninstances: []\n');
  write('zero-waves.json', '{"proton": "ServiceSpec", "pipeline": {"totalWaves": 0}}');
  write('list.yaml', '- just\n- a list\n');
}, 120_000);
afterAll(() => stopAll(stateDir));

const at = (f: string) => join(files, f);

// [what, argv, what stderr must say]
const CASES: [string, () => string[], RegExp][] = [
  ['malformed YAML spec', () => ['onboard', 'tenantD', '--tier', 'standard', '--spec', at('broken.yaml')], /broken\.yaml: not valid YAML or JSON/],
  ['malformed JSON spec', () => ['onboard', 'tenantD', '--tier', 'standard', '--spec', at('broken.json')], /broken\.json: not valid YAML or JSON/],
  ['spec that is not a map', () => ['onboard', 'tenantD', '--tier', 'standard', '--spec', at('list.yaml')], /expected a map with "proton: EnvironmentSpec"/],
  ['schema violations in a spec', () => ['onboard', 'tenantD', '--tier', 'standard', '--spec', at('bad-cidr.yaml')], /spec\.vpc_cidr_block[\s\S]*spec\.nat_gateways/],
  ['schema violation in --set', () => ['onboard', 'tenantD', '--tier', 'standard', '--set', 'nat_gateways=abc'], /nat_gateways/],
  ['unknown input in --set', () => ['onboard', 'tenantD', '--tier', 'standard', '--set', 'colour=red'], /colour/],
  ['spec of the wrong kind', () => ['onboard', 'tenantD', '--tier', 'standard', '--spec', at('service.yaml')], /onboard takes a "proton: EnvironmentSpec" file, got ServiceSpec/],
  ['unknown tier', () => ['onboard', 'tenantD', '--tier', 'gold'], /unknown tier "gold"; choose one of: basic, standard, premium/],
  ['missing tier', () => ['onboard', 'tenantD'], /missing --tier/],
  ['unknown placement', () => ['onboard', 'tenantD', '--tier', 'basic', '--placement', 'hybrid'], /unknown placement "hybrid"; choose silo or pool/],
  ['invalid tenant id', () => ['onboard', '1tenant', '--tier', 'basic'], /invalid tenant id "1tenant"/],
  ['wave 0', () => ['onboard', 'tenantD', '--tier', 'basic', '--wave', '0'], /--wave must be a whole number of 1 or more, got "0"/],
  ['non-integer wave', () => ['onboard', 'tenantD', '--tier', 'basic', '--wave', '1.5'], /--wave must be a whole number of 1 or more, got "1\.5"/],
  ['negative wave', () => ['onboard', 'tenantD', '--tier', 'basic', '--wave=-2'], /--wave must be a whole number of 1 or more, got "-2"/],
  ['environment inputs for a pool tenant', () => ['onboard', 'tenantD', '--tier', 'basic', '--set', 'nat_gateways=2'], /pool tenant[\s\S]*--placement silo/],
  ['existing tenant, different inputs', () => ['onboard', 'tenantA', '--tier', 'basic', '--wave', '1'], /tenant tenantA already exists with different settings \(tier premium, not basic/],
  ['existing service, different template', () => ['service', 'create', 'saas-web', '--template', 'serverless-service'], /service saas-web already exists with template fargate-service/],
  ['unknown template', () => ['service', 'create', 'billing', '--template', 'k8s-service'], /unknown template "k8s-service"/],
  ['environment template as a service', () => ['service', 'create', 'billing', '--template', 'env-template'], /env-template is an environment template/],
  ['invalid service name', () => ['service', 'create', 'Billing_Svc', '--template', 'fargate-service'], /invalid service name "Billing_Svc"/],
  ['totalwaves below the tenants\' waves', () => ['service', 'create', 'billing', '--template', 'fargate-service', '--spec', at('service.yaml')], /totalwaves is 1, but tenantB is in wave 2/],
  ['totalWaves 0', () => ['service', 'create', 'billing', '--template', 'fargate-service', '--spec', at('zero-waves.json')], /pipeline\.totalWaves: must be a positive integer, got 0/],
  ['set-wave to 0', () => ['set-wave', 'tenantA', '0'], /the wave must be a whole number of 1 or more, got "0"/],
  ['set-wave to a word', () => ['set-wave', 'tenantA', 'two'], /got "two"/],
  ['set-wave of an unknown tenant', () => ['set-wave', 'tenantZ', '2'], /unknown tenant "tenantZ"; onboarded: tenantA, tenantB, tenantC/],
  ['release of an unknown service', () => ['release', 'billing', '--version', 'v1'], /unknown service "billing"; known: saas-lambda, saas-web/],
  ['release without --version', () => ['release', 'saas-web'], /which version\? Give --version LABEL/],
  ['release with a bad version label', () => ['release', 'saas-web', '--version', '../v2'], /invalid version "\.\.\/v2"/],
  ['artifact dir with no entry point', () => ['release', 'saas-web', '--version', 'v9', '--artifact', artifact('x', 'main.js')], /has no entry point server\.js/],
  ['artifact dir that does not exist', () => ['release', 'saas-web', '--version', 'v9', '--artifact', '/nonexistent/build'], /artifact \/nonexistent\/build is not a directory/],
  ['a version label reused for other bytes', () => ['release', 'saas-web', '--version', 'v1', '--artifact', artifact('// other')], /saas-web version v1 already exists with different content/],
  ['--max-failures not a number', () => ['release', 'saas-web', '--version', 'v2', '--max-failures', 'some'], /--max-failures \(N or P%\) must be a whole number/],
  ['--max-failures over 100%', () => ['release', 'saas-web', '--version', 'v2', '--max-failures', '150%'], /a percentage is 0% to 100%/],
  ['--approval unknown', () => ['release', 'saas-web', '--version', 'v2', '--approval', 'sometimes'], /--approval must be auto or manual/],
  ['--concurrency 0', () => ['release', 'saas-web', '--version', 'v2', '--concurrency', '0'], /--concurrency must be a whole number of 1 or more/],
  ['unknown rollout', () => ['rollout', 'nope-1'], /unknown rollout "nope-1"; recent: /],
  ['approving a rollout that is not waiting', () => ['approve', doneRollout], /is SUCCEEDED, not waiting for approval/],
  ['rejecting a rollout that is not waiting', () => ['reject', doneRollout, '--rollback'], /is SUCCEEDED, not waiting for approval/],
  ['resuming an unknown rollout', () => ['resume', 'nope-2'], /unknown rollout "nope-2"/],
  ['offboarding without --yes', () => ['offboard', 'tenantB'], /to go ahead, run: tenant offboard tenantB --yes/],
  ['offboarding an unknown tenant', () => ['offboard', 'tenantZ', '--yes'], /unknown tenant "tenantZ"/],
  ['rollback with no previous version', () => ['rollback', 'saas-web', 'tenantA'], /runs v1, its first version; there is no previous version/],
  ['rollback of an instance never deployed', () => ['rollback', 'saas-lambda', 'tenantA'], /has never been deployed to tenantA/],
  ['history of an unknown service', () => ['history', 'tenantA', '--service', 'billing'], /unknown service "billing"/],
  ['show an unknown rendered template', () => ['show', 'tenantA', '--template', 'billing'], /no rendered template "billing"; choose one of: environment, saas-lambda, saas-web/],
  ['plan of an unknown service', () => ['plan', 'billing'], /unknown service "billing"/],
  ['a tenant account on the local backend', () => ['onboard', 'tenantD', '--tier', 'premium', '--account', '222233334444', '--region', 'eu-west-1'], /--account is for the AWS backend/],
  ['unknown option', () => ['list', '--colour'], /Unknown option '--colour'/],
  ['missing argument', () => ['set-wave', 'tenantA'], /missing wave/],
  ['extra argument', () => ['list', 'everything'], /unexpected argument "everything"/],
];

test(`there are at least 25 kinds of bad input (${CASES.length})`, () => {
  expect(CASES.length).toBeGreaterThanOrEqual(25);
});

test.each(CASES)('%s: exit 2, says what is wrong, changes nothing', async (_what, argv, message) => {
  const before = await snapshot(stateDir);
  const r = tenant(argv(), { stateDir });
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  expect(r.stderr).toMatch(/^tenant: /);
  expect(r.stderr).toMatch(message);
  expect(await snapshot(stateDir)).toBe(before);
});
