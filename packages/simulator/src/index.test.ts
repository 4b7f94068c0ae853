import { describe, it, expect } from 'vitest';
import { PACKAGE } from '@penvae/simulator';
describe('x', () => { it('y', () => { expect(PACKAGE).toBe('simulator'); }); });
