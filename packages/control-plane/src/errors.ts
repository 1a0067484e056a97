/**
 * Errors a user can cause. Each carries a stable `code` (part of the CLI's interface)
 * and a message that says what to do about it. The CLI maps every UserError to exit code 2.
 */
export class UserError extends Error {
  public readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'UserError';
    this.code = code;
  }
}

/** One violation of a schema or spec, located by its field path (e.g. `spec.vpc_cidr_block`). */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Every violation found in one input, reported together rather than one at a time. */
export class ValidationError extends UserError {
  public readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    super(
      'E_VALIDATION',
      `${subject} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n'),
    );
    this.name = 'ValidationError';
    this.issues = issues;
  }
}
