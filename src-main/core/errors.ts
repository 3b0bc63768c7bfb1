// Error types shared by every layer. The CLI maps them to exit codes (InputError → 2, others → 1),
// the IPC router to {ok:false,error:{code,message}}.

/** Bad input from a user or an untrusted caller: names the field and the problem. Nothing was written. */
export class InputError extends Error {
  readonly code: string = 'BAD_INPUT';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** A referenced record does not exist (an unknown client, invoice or version). Also bad input. */
export class NotFoundError extends InputError {
  override readonly code = 'NOT_FOUND';
  constructor(message: string, field?: string) {
    super(message, field);
    this.name = 'NotFoundError';
  }
}

/** The operation is valid but cannot run now (a lock held, a feature disabled, insufficient data). */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function errorCode(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    return (e as { code: string }).code;
  }
  return 'INTERNAL';
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Formats zod issues as "field: problem; field: problem" so messages always name the field. */
export function formatZodIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[], root = 'input'): string {
  return issues
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : root}: ${i.message}`)
    .join('; ');
}
