import { Io } from './io';

/** A plain text table: a header row, then rows; columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], indent = ''): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => indent + r.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}

/** Writes a line for people: stdout normally, stderr when stdout carries --json. */
export function say(io: Io, json: boolean, line: string): void {
  (json ? io.err : io.out)(line + '\n');
}

export const dash = (v: unknown): string => (v === undefined || v === null || v === '' ? '-' : String(v));
