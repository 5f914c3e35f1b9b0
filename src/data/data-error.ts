/**
 * The error every reader throws: names the file, says what is wrong with it and what to do.
 * `file` is kept as a field too, so a caller can tell which of several inputs failed.
 */
export class DataError extends Error {
  override name = 'DataError';
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.file = file;
  }
}
