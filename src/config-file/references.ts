/**
 * `${NAME}` in any string takes the environment variable NAME, so a file kept in git holds no secret. `$${` is
 * a literal `${`. An unset or blank variable is a problem naming it (blank is unset, as everywhere in the hub's
 * environment), never an empty string quietly sent as a token.
 */
const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Deeper than any real document; a YAML alias cycle or a hostile file stops here instead of recursing forever. */
const MAX_DEPTH = 32;

export const SECRET_LITERAL = 'write ${NAME}: secrets are never written in the file';

export interface PathIssue {
  path: (string | number)[];
  message: string;
  /** Point at the key rather than its value (an unknown key). */
  atKey?: boolean;
}

export interface Resolution {
  value: unknown;
  /** Dotted path of each value that came from the environment → the variable(s) it took. */
  references: Record<string, string>;
  issues: PathIssue[];
}

/** `isSecret(path, raw)`: the value at `path` must come from the environment (see secret-fields.ts). */
export function resolveReferences(
  value: unknown,
  env: Record<string, string | undefined>,
  isSecret: (path: (string | number)[], raw: unknown) => boolean,
): Resolution {
  const references: Record<string, string> = {};
  const issues: PathIssue[] = [];

  const walk = (item: unknown, path: (string | number)[]): unknown => {
    if (path.length > MAX_DEPTH) {
      issues.push({ path, message: `nested deeper than ${MAX_DEPTH} levels` });
      return null;
    }
    if (typeof item === 'string') return substitute(item, path);
    if (Array.isArray(item)) return item.map((entry, index) => walk(entry, [...path, index]));
    if (typeof item === 'object' && item !== null) {
      const entries: Array<[string, unknown]> = [];
      for (const [key, entry] of Object.entries(item)) {
        // Assigned anywhere later, it would replace an object's prototype instead of being a key.
        if (key === '__proto__') issues.push({ path: [...path, key], message: 'not allowed as a key', atKey: true });
        else entries.push([key, walk(entry, [...path, key])]);
      }
      return Object.fromEntries(entries);
    }
    if (typeof item === 'number' && isSecret(path, item)) issues.push({ path, message: SECRET_LITERAL });
    return item;
  };

  const substitute = (text: string, path: (string | number)[]): string => {
    const names: string[] = [];
    const resolved = text.replace(REFERENCE, (whole, inner: string | undefined) => {
      if (inner === undefined) return '${';
      const name = inner.trim();
      if (!VARIABLE.test(name)) {
        issues.push({ path, message: `\${${inner}} is not an environment variable's name` });
        return whole;
      }
      names.push(name);
      // Not `in` or hasOwn: the CLI's placeholders answer through a proxy; a plain object's `constructor` is no string.
      const given: unknown = env[name];
      if (typeof given !== 'string' || given.trim() === '') {
        issues.push({ path, message: `environment variable ${name} is not set` });
        return '';
      }
      return given;
    });
    if (names.length > 0) references[path.join('.')] = [...new Set(names)].join(',');
    else if (text !== '' && isSecret(path, text)) issues.push({ path, message: SECRET_LITERAL });
    return resolved;
  };

  return { value: walk(value, []), references, issues };
}
