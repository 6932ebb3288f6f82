/** One thing wrong with a configuration file, where it is: the file, its line and column (1-based), the value's path. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  path: (string | number)[];
  message: string;
}

/** Where a value was written. */
export interface Place {
  file: string;
  line: number;
  column: number;
}

/** `file:line:column`, as editors and CI logs link it. */
export function describePlace(place: Place): string {
  return `${place.file}:${place.line}:${place.column}`;
}
