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
});
