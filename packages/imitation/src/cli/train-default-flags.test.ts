import { describe, expect, test } from 'vitest';
import { parseTrainDefaultFlags, TRAIN_DEFAULT_HELP } from './train-default-flags.ts';

describe('parseTrainDefaultFlags', () => {
  test('--fresh discards the work folder; off by default', () => {
    expect(parseTrainDefaultFlags(['--out', '/tmp/b']).fresh).toBe(false);
    expect(parseTrainDefaultFlags(['--out', '/tmp/b', '--fresh']).fresh).toBe(true);
  });

  test('--help documents resume, --work and --fresh', () => {
    expect(TRAIN_DEFAULT_HELP).toMatch(/Resume: every stage writes its outputs and a marker/);
    expect(TRAIN_DEFAULT_HELP).toMatch(/--work <dir> +stage outputs, checkpoints and markers; a rerun resumes in it/);
    expect(TRAIN_DEFAULT_HELP).toMatch(/--fresh +discard an existing work folder/);
  });

  test('--dagger-rounds, --dagger-episodes and --dagger-epochs set the DAgger block; bad values name the flag', () => {
    const c = parseTrainDefaultFlags(['--out', '/tmp/b', '--dagger-rounds', '3', '--dagger-episodes', '4', '--dagger-epochs', '1']).config;
    expect(c.dagger).toMatchObject({ rounds: 3, episodesPerTask: 4, epochs: 1 });
    expect(parseTrainDefaultFlags(['--out', '/tmp/b', '--dagger-rounds', '0']).config.dagger.rounds).toBe(0);
    expect(() => parseTrainDefaultFlags(['--out', '/tmp/b', '--dagger-episodes', '0'])).toThrow(/--dagger-episodes/);
    expect(() => parseTrainDefaultFlags(['--out', '/tmp/b', '--dagger-rounds', 'x'])).toThrow(/--dagger-rounds/);
  });
});
