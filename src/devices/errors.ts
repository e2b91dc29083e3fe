/** A problem with the user's input (file, option): reported as one line, exit status 1, no stack trace. */
export class UserError extends Error {}
