import semver from 'semver';

/** What ran on the cluster before a deployment arrived (src/store/deployment-placement.ts reads it). */
export interface Predecessor {
  /** The version of the latest deployment of the application on the cluster; null when there is none. */
  version: string | null;
  /** That latest deployment was a removal: nothing runs, so nothing is rolled back. */
  removed: boolean;
  /** The new version was deployed on the cluster before the current version first was. */
  seenBeforeCurrent: boolean;
}

/**
 * semver's own pattern for what its loose parse takes (exported by the package beside its functions, though its
 * type declarations leave it out): the same test `semver.parse` makes, without its throw.
 */
const internals = semver as unknown as { re: RegExp[]; tokens: Record<string, number> };
const LOOSE = internals.re[internals.tokens.LOOSE!]!;

/**
 * A version read as a semantic version, `v` prefix and other loose forms allowed; null when it is none. A version
 * that cannot be one is turned away before `semver.parse`, which throws and catches inside for it: that exception
 * cost ingest tens of microseconds a deployment with build numbers or commit hashes for versions.
 */
export function looseSemver(version: string): semver.SemVer | null {
  return LOOSE.test(version.trim()) ? semver.parse(version, { loose: true }) : null;
}

/**
 * The version a deployment rolls back, or null when it is no rollback: a version older than the one running
 * (by semantic version when both parse, `v` prefix allowed), or, when they do not parse, a version the cluster
 * ran before the current one first arrived. Redeploying the running version is no rollback, and neither is
 * rolling forward again after a rollback (that version first arrived after the one running now).
 */
export function rollbackFrom(version: string | null, before: Predecessor): string | null {
  if (version === null || before.version === null || before.removed || version === before.version) return null;
  const next = looseSemver(version);
  const current = looseSemver(before.version);
  if (next && current) return semver.lt(next, current) ? before.version : null;
  return before.seenBeforeCurrent ? before.version : null;
}
