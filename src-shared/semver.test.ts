import { describe, expect, it } from 'vitest';
import { compareSemver, nextVersion, semverOf } from './semver';

describe('model version numbers', () => {
  it('starts at 1.0.0 and bumps the minor of the highest version, comparing numerically', () => {
    expect(nextVersion([])).toBe('1.0.0');
    expect(nextVersion(['1.0.0'])).toBe('1.1.0');
    expect(nextVersion(['1.9.0', '1.10.0', '1.2.0'])).toBe('1.11.0');
    expect(compareSemver('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(['2.0.0', '1.10.0', '1.9.0'].sort(compareSemver)).toEqual(['1.9.0', '1.10.0', '2.0.0']);
  });

  it('recognises only MAJOR.MINOR.PATCH', () => {
    for (const bad of ['1.1', 'v1.1.0', '1.1.0-beta', '01.1.0', '', '1.1.x']) {
      expect(semverOf(bad)).toBeNull();
      expect(() => compareSemver(bad, '1.0.0')).toThrow(/expected a version like 1\.2\.0/);
    }
  });
});
