/**
 * The journal on disk cannot be read without losing acknowledged data, or was written in a format this build
 * does not know. The engine must not start on it: an operator decides what to do.
 */
export class JournalCorruptError extends Error {
  /** Absolute path of the file at fault. */
  readonly file: string;
  /** Byte offset in `file` where the problem starts. */
  readonly offset: number;

  constructor(file: string, offset: number, problem: string, remedy: string) {
    super(`journal: ${file} at byte ${offset}: ${problem}. ${remedy}`);
    this.name = 'JournalCorruptError';
    this.file = file;
    this.offset = offset;
  }
}
