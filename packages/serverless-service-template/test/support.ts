import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parse } from 'yaml';
import { schemaFile } from '../src';

/** Every unacknowledged cdk-nag AwsSolutions finding on a stack, as "rule: resource". */
export function nagFindings(build: (app: App) => Stack): string[] {
  const stack = build(new App());
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName}: ${r.constructPath ?? r.resourceLogicalId}`));
}

/** The template's schema.yaml, parsed. */
export function schemaDoc(): any {
  return parse(readFileSync(schemaFile(), 'utf8')).schema;
}
