/**
 * A command that cannot go on: its message for the user and the exit code to end with.
 */

/** A failure of `lablog import` or `lablog export`, with the exit code the CLI ends with. */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CommandFailure';
  }
}
