// Must fail lint: no layer rule names this package (it is only a dependency of a dependency).
import semver from 'semver';
export const valid = semver.valid;
