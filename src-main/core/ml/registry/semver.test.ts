import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors';
import { compareSemver, nextVersion, parseSemver } from './semver';

describe('model version numbers', () => {
  it('starts at 1.0.0 and bumps the minor of the highest version, comparing numerically', () => {
    expect(nextVersion([])).toBe('1.0.0');
    expect(nextVersion(['1.0.0'])).toBe('1.1.0');
    expect(nextVersion(['1.9.0', '1.10.0', '1.2.0'])).toBe('1.11.0');
    expect(compareSemver('1.10.0', '1.9.0')).toBeGreaterThan(0);
  });

  it('rejects malformed versions naming the field', () => {
    for (const bad of ['1.1', 'v1.1.0', '1.1.0-beta', '01.1.0', '', '1.1.x']) {
      expect(() => parseSemver(bad, '--version')).toThrowError(InputError);
      expect(() => parseSemver(bad, '--version')).toThrowError(/--version: expected a version like 1\.2\.0/);
    }
  });
});
