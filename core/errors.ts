/**
 * A problem the user can fix (bad configuration, no credentials, a bad flag). The CLI prints its
 * message alone — no stack trace — and exits 2.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}
