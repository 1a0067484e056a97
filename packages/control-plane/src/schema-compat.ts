import { PropertySchema, TemplateSchema } from './schema';

export interface SchemaChange {
  readonly path: string;
  readonly change: string;
  readonly breaking: boolean;
}

function rangeNarrowed(before: PropertySchema, after: PropertySchema): string[] {
  const out: string[] = [];
  const lower = (k: 'minimum' | 'minLength') =>
    after[k] !== undefined && (before[k] === undefined || after[k]! > before[k]!);
  const upper = (k: 'maximum' | 'maxLength') =>
    after[k] !== undefined && (before[k] === undefined || after[k]! < before[k]!);
  if (lower('minimum')) out.push(`minimum raised to ${after.minimum}`);
  if (upper('maximum')) out.push(`maximum lowered to ${after.maximum}`);
  if (lower('minLength')) out.push(`minLength raised to ${after.minLength}`);
  if (upper('maxLength')) out.push(`maxLength lowered to ${after.maxLength}`);
  if (after.pattern !== undefined && after.pattern !== before.pattern) out.push(`pattern changed to ${after.pattern}`);
  if (after.enum) {
    const removed = (before.enum ?? []).filter((v) => !after.enum!.includes(v));
    if (!before.enum) out.push('enum added');
    else if (removed.length) out.push(`enum values removed: ${removed.join(', ')}`);
  }
  return out;
}

/**
 * What changed between two versions of a template schema, and whether each change breaks
 * existing spec files (which then needs a new major template version): an input removed,
 * its type changed, its enum or range narrowed, or a new required input without a default.
 */
export function compareSchemas(before: TemplateSchema, after: TemplateSchema): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const [typeName, oldType] of Object.entries(before.types)) {
    const newType = after.types[typeName];
    if (!newType) {
      changes.push({ path: typeName, change: 'input type removed', breaking: true });
      continue;
    }
    for (const [prop, oldDef] of Object.entries(oldType.properties)) {
      const path = `${typeName}.${prop}`;
      const newDef = newType.properties[prop];
      if (!newDef) {
        changes.push({ path, change: 'input removed', breaking: true });
        continue;
      }
      if (newDef.type !== oldDef.type) {
        changes.push({ path, change: `type changed from ${oldDef.type} to ${newDef.type}`, breaking: true });
      }
      for (const narrowed of rangeNarrowed(oldDef, newDef)) changes.push({ path, change: narrowed, breaking: true });
      const wasRequired = oldType.required?.includes(prop) ?? false;
      const isRequired = newType.required?.includes(prop) ?? false;
      if (isRequired && !wasRequired && newDef.default === undefined) {
        changes.push({ path, change: 'now required, with no default', breaking: true });
      }
      if (oldDef.default !== undefined && newDef.default === undefined && isRequired) {
        changes.push({ path, change: 'default removed from a required input', breaking: true });
      }
    }
    for (const [prop, newDef] of Object.entries(newType.properties)) {
      if (oldType.properties[prop]) continue;
      const required = newType.required?.includes(prop) ?? false;
      changes.push({
        path: `${typeName}.${prop}`,
        change: required && newDef.default === undefined ? 'new required input with no default' : 'input added',
        breaking: required && newDef.default === undefined,
      });
    }
  }
  for (const typeName of Object.keys(after.types)) {
    if (!before.types[typeName]) changes.push({ path: typeName, change: 'input type added', breaking: false });
  }
  return changes;
}
