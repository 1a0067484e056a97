import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTemplateVersions } from '../src';

const SCHEMA = (props: string) => `schema:
  format: {openapi: "3.0.0"}
  service_input_type: In
  types:
    In:
      type: object
      properties:
${props}
`;
const V1 = SCHEMA('        size: {type: string, enum: [s, m, l], default: s}');

function repo() {
  const root = mkdtempSync(join(tmpdir(), 'template-versions-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'ignore' });
  git('init', '-q');
  git('config', 'user.email', 'ci@example.com');
  git('config', 'user.name', 'ci');
  const write = (version: string, schema: string) => {
    mkdirSync(join(root, 'packages/demo-template/schema'), { recursive: true });
    writeFileSync(join(root, 'packages/demo-template/package.json'), JSON.stringify({ name: 'demo', version }, null, 2) + '\n');
    writeFileSync(join(root, 'packages/demo-template/schema/schema.yaml'), schema);
  };
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-qm', message);
  };
  write('1.0.0', V1);
  commit('feat: demo template v1');
  return { root, write, commit };
}

test('a compatible change passes without a bump', () => {
  const r = repo();
  r.write('1.0.0', SCHEMA('        size: {type: string, enum: [s, m, l, xl], default: s}'));
  r.commit('feat: add xl');
  const [check] = checkTemplateVersions(r.root);
  expect(check.violations).toEqual([]);
  expect(check.changes).toEqual([]); // widening an enum is not even reported as a change
});

test('a breaking change without a major bump is caught: uncommitted, committed, or committed with a minor bump', () => {
  const r = repo();
  const narrowed = SCHEMA('        size: {type: string, enum: [s, m], default: s}');
  r.write('1.0.0', narrowed);
  expect(checkTemplateVersions(r.root)[0].violations.map((v) => v.change)).toEqual(['enum values removed: l (within version 1.0.0)']);
  r.commit('feat: drop l');
  expect(checkTemplateVersions(r.root)[0].violations).toHaveLength(1);
  r.write('1.1.0', narrowed);
  r.commit('chore: release 1.1.0');
  const [check] = checkTemplateVersions(r.root);
  expect(check.previousVersion).toBe('1.0.0');
  expect(check.violations.map((v) => `${v.path}: ${v.change}`)).toEqual(['In.size: enum values removed: l']);
});

test('a breaking change released as a new major passes', () => {
  const r = repo();
  r.write('2.0.0', SCHEMA('        size: {type: number, default: 1}'));
  expect(checkTemplateVersions(r.root)[0].violations).toEqual([]);
  r.commit('feat!: size is a number\n\nBREAKING CHANGE: size is now a number');
  const [check] = checkTemplateVersions(r.root);
  expect(check.previousVersion).toBe('1.0.0');
  expect(check.changes.filter((c) => c.breaking)).toHaveLength(1);
  expect(check.violations).toEqual([]);
});
