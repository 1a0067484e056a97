import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplateSchema } from './schema';
import { compareSchemas, SchemaChange } from './schema-compat';

export interface TemplateVersionCheck {
  readonly template: string;
  readonly version: string;
  /** The previous version, whose last committed schema the current one is compared with. */
  readonly previousVersion?: string;
  /** Changes since the previous version (or, with none, since the current version was introduced). */
  readonly changes: readonly SchemaChange[];
  /** Breaking changes that the version does not allow: within one version, or without a major bump. */
  readonly violations: readonly SchemaChange[];
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

function tryGit(root: string, args: string[]): string | undefined {
  try {
    return git(root, args);
  } catch {
    return undefined;
  }
}

const major = (version: string) => Number(version.split('.')[0]);

/**
 * For every template package (packages/*-template with schema/schema.yaml), reads the
 * history of its package.json and checks its schema:
 * - against the schema at the commit that introduced the current version: one version's
 *   schema may only change compatibly;
 * - against the last schema of the previous version: a breaking change (input removed, type
 *   changed, enum or range narrowed, new required input without a default) needs a new major.
 */
export function checkTemplateVersions(root: string): TemplateVersionCheck[] {
  const results: TemplateVersionCheck[] = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const schemaPath = `packages/${dir}/schema/schema.yaml`;
    if (!dir.endsWith('-template') || !existsSync(join(root, schemaPath))) continue;
    const pkgPath = `packages/${dir}/package.json`;
    const version: string = JSON.parse(readFileSync(join(root, pkgPath), 'utf8')).version;
    const current = parseTemplateSchema(readFileSync(join(root, schemaPath), 'utf8'), schemaPath);
    const schemaAt = (commit: string) => {
      const text = tryGit(root, ['show', `${commit}:${schemaPath}`]);
      return text === undefined ? undefined : parseTemplateSchema(text, `${schemaPath}@${commit.slice(0, 8)}`);
    };
    // Commits that touched package.json, newest first, with the version each left behind.
    const history = (tryGit(root, ['log', '--format=%H', '--', pkgPath]) ?? '')
      .split('\n')
      .filter(Boolean)
      .map((commit) => ({ commit, version: JSON.parse(git(root, ['show', `${commit}:${pkgPath}`])).version as string }));
    let introducedAt: string | undefined;
    let i = 0;
    for (; i < history.length && history[i].version === version; i++) introducedAt = history[i].commit;
    const previous = history[i];

    const violations: SchemaChange[] = [];
    const sinceIntroduced = introducedAt ? schemaAt(introducedAt) : undefined;
    if (sinceIntroduced) {
      for (const c of compareSchemas(sinceIntroduced, current)) {
        if (c.breaking) violations.push({ ...c, change: `${c.change} (within version ${version})` });
      }
    }
    const previousSchema = previous ? schemaAt(previous.commit) : undefined;
    const changes = previousSchema ? compareSchemas(previousSchema, current) : sinceIntroduced ? compareSchemas(sinceIntroduced, current) : [];
    if (previous && previousSchema && major(version) <= major(previous.version)) {
      for (const c of changes) {
        if (c.breaking && !violations.some((v) => v.path === c.path)) violations.push(c);
      }
    }
    results.push({ template: dir, version, previousVersion: previous?.version, changes, violations });
  }
  return results;
}
