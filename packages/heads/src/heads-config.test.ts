import { describe, expect, it } from 'vitest';
import { HeadsError } from './errors/heads-error.ts';
import { validateHeadsConfig } from './heads-config.ts';

const good = { F: 64, C: 8, H: 7, L: 8, K: 7, draftLayers: 3, mainWidth: 128, mainDepth: 2, draftWidth: 64, draftDepth: 1 };

describe('validateHeadsConfig', () => {
  it('accepts a complete config', () => {
    expect(validateHeadsConfig(good)).toEqual(good);
  });

  it.each([
    [{ ...good, K: 1 }, 'K'],
    [{ ...good, F: 1.5 }, 'F'],
    [{ ...good, draftLayers: 9 }, 'draftLayers'],
    [{ ...good, mainWidth: undefined }, 'mainWidth'],
  ])('names the bad field in %j', (cfg, field) => {
    try {
      validateHeadsConfig(cfg, 'cfg.json');
      expect.unreachable();
    } catch (e) {
      expect(HeadsError.isInstance(e)).toBe(true);
      expect((e as HeadsError).subject).toBe(`cfg.json.${field}`);
    }
  });
});
