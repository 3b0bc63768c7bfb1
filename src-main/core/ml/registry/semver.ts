// Version numbers as the registry's inputs: a bad version from a flag or an argument is an
// InputError naming it. Comparison and the next version are shared with the renderer (src-shared).
import { semverOf, type Semver } from '../../../../src-shared/semver';
import { InputError } from '../../errors';

/** Parses "1.2.0"; `field` names the flag or argument in the error. */
export function parseSemver(text: string, field = 'version'): Semver {
  const v = semverOf(text);
  if (!v) throw new InputError(`${field}: expected a version like 1.2.0, got "${text}"`, field);
  return v;
}
