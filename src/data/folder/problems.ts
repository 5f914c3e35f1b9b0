/**
 * Every file of a folder that cannot be used, reported together: a user fixing a folder wants the
 * list, not one file per run. One problem is a DataError naming that file; several are one
 * DataError naming the root and listing the first MAX_LISTED, with how many more there are.
 */
import { DataError } from '../data-error.ts';

export interface FileProblem {
  /** The file as the user knows it: the root joined with its path (joinPath). */
  readonly file: string;
  readonly problem: string;
}

const MAX_LISTED = 10;

export function joinPath(root: string, file: string): string {
  return root === '' ? file : /[\\/]$/.test(root) ? `${root}${file}` : `${root}/${file}`;
}

/** `root`: the folder named when there are several problems. */
export function folderError(root: string, problems: readonly FileProblem[]): DataError {
  const first = problems[0];
  if (!first) throw new Error('folderError: no problems given');
  if (problems.length === 1) return new DataError(first.file, first.problem);
  const listed = problems.slice(0, MAX_LISTED).map((p) => `\n  ${p.file}: ${p.problem}`).join('');
  const more = problems.length > MAX_LISTED ? `\n  … and ${problems.length - MAX_LISTED} more` : '';
  return new DataError(root, `${problems.length} files cannot be used:${listed}${more}`);
}

/** Throws the problems, if any. */
export function throwProblems(root: string, problems: readonly FileProblem[]): void {
  if (problems.length > 0) throw folderError(root, problems);
}
