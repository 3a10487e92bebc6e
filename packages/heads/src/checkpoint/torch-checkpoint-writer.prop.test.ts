import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { arbStateDict } from './checkpoint-arbitraries.ts';
import { checkpointValueToJson } from './checkpoint-value.ts';
import { parseCheckpoint } from './load-checkpoint.ts';
import { readTorchCheckpoint } from './torch-checkpoint-reader.ts';
import { writeTorchCheckpoint } from './torch-checkpoint-writer.ts';

describe('torch.save-layout writer → readTorchCheckpoint', () => {
  test.prop([arbStateDict().filter((m) => m.size > 0), fc.stringMatching(/^[a-z_]{1,10}$/)])(
    'round trips every tensor of every dtype exactly, whatever the archive folder is called',
    (sd, archiveName) => {
      const { root } = readTorchCheckpoint(writeTorchCheckpoint(sd, { archiveName }), { fileName: 'w.pt' });
      expect(root).toBeInstanceOf(Map);
      const got = root as ReadonlyMap<string, unknown>;
      expect([...got.keys()]).toEqual([...sd.keys()]);
      for (const [name, t] of sd) expect(got.get(name)).toEqual({ dtype: t.dtype, shape: [...t.shape], data: t.data });
    },
  );

  test.prop([
    arbStateDict().filter((m) => m.size > 0),
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.double({ noNaN: true }),
  ])('finds a state_dict nested under a key beside plain values', (sd, epoch, loss) => {
    const ckpt = new Map<string, never>([
      ['weights', sd as never],
      ['epoch', epoch as never],
      ['loss', loss as never],
      ['notes', ['a', null, true] as never],
    ]);
    const loaded = parseCheckpoint(writeTorchCheckpoint(ckpt), 'n.pt');
    expect(loaded.stateDictKey).toBe('weights');
    expect([...loaded.stateDict.keys()]).toEqual([...sd.keys()]);
    expect(loaded.extras.get('epoch')).toBe(epoch);
    expect(loaded.extras.get('loss')).toBe(loss === 0 ? 0 : loss); // -0.0 is written as the int 0
    expect(checkpointValueToJson(loaded.extras.get('notes')!)).toEqual(['a', null, true]);
  });
});
