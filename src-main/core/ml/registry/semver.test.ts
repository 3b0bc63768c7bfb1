import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors';
import { parseSemver } from './semver';

describe('model version numbers as inputs', () => {
  it('rejects malformed versions naming the field', () => {
    for (const bad of ['1.1', 'v1.1.0', '1.1.0-beta', '01.1.0', '', '1.1.x']) {
      expect(() => parseSemver(bad, '--version')).toThrowError(InputError);
      expect(() => parseSemver(bad, '--version')).toThrowError(/--version: expected a version like 1\.2\.0/);
    }
  });
});
