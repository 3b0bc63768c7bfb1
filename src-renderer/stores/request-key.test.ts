import { describe, expect, it } from 'vitest';
import { RequestKey } from '../../src-preload/contract/data-channels';
import { newRequestKey } from './request-key';

describe('newRequestKey', () => {
  it('is accepted by the contract and differs for each form', () => {
    const keys = new Set(Array.from({ length: 1000 }, newRequestKey));
    expect(keys.size).toBe(1000);
    for (const k of keys) expect(RequestKey.safeParse(k).success).toBe(true);
  });
});
