/**
 * The error a student notebook's TODO throws. Its stack is just its message: tslab prints a thrown
 * error's stack, and a learner who has not written the function yet needs one clear line, not a dump.
 *
 * @example
 * throw new NotImplementedError("reparameterize");
 * //=> NotImplementedError: not implemented yet: reparameterize. Replace the TODO in its cell with your code, …
 */
export class NotImplementedError extends Error {
  constructor(functionName: string) {
    super(
      `not implemented yet: ${functionName}. Replace the TODO in its cell with your code, run that cell, then run this one again.`,
    );
    this.name = "NotImplementedError";
    this.stack = `${this.name}: ${this.message}`;
  }
}
