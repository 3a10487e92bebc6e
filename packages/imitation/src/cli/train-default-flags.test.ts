import { describe, expect, test } from 'vitest';
import { parseTrainDefaultFlags, TRAIN_DEFAULT_HELP } from './train-default-flags.ts';
import { TRAIN_DEFAULT_CONFIG } from '../train-default-config.ts';

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

  test('teacher, selection and head flags set their config fields; bad values name the flag', () => {
    const c = parseTrainDefaultFlags(['--out', '/tmp/b', '--teacher-epochs', '6', '--select-epochs', '3,5', '--select-trials', '4', '--head-targets', 'expert', '--main-epochs', '2']).config;
    expect(c.teacher.epochs).toBe(6);
    expect(c.teacher.select).toMatchObject({ epochs: [3, 5], trialsPerTask: 4 });
    expect(c.headTargets).toBe('expert');
    expect(c.mainEpochs).toBe(2);
    // the default snapshots past a shorter run are dropped, not refused
    expect(parseTrainDefaultFlags(['--out', '/tmp/b', '--teacher-epochs', '2']).config.teacher.select.epochs).toEqual([]);
    expect(() => parseTrainDefaultFlags(['--out', '/tmp/b', '--teacher-epochs', '4', '--select-epochs', '5'])).toThrow(/--select-epochs: epoch 5 is past/);
    expect(() => parseTrainDefaultFlags(['--out', '/tmp/b', '--head-targets', 'labels'])).toThrow(/--head-targets/);
    expect(() => parseTrainDefaultFlags(['--out', '/tmp/b', '--select-trials', '0'])).toThrow(/--select-trials/);
  });

  test('--prefix-noise, --draft-layers and --draft-width set the student fields; off turns the noise off', () => {
    const c = parseTrainDefaultFlags(['--out', '/tmp/b', '--prefix-noise', '0.2', '--draft-layers', '2', '--draft-width', '64']).config;
    expect(c.headsPrefixNoise).toEqual({ cleanShare: TRAIN_DEFAULT_CONFIG.headsPrefixNoise?.cleanShare ?? 0.25, maxRate: 0.2 });
    expect(c.heads).toMatchObject({ draftLayers: 2, draftWidth: 64 });
    expect(parseTrainDefaultFlags(['--out', '/tmp/b', '--prefix-noise', 'off']).config.headsPrefixNoise).toBeNull();
    expect(() => parseTrainDefaultFlags(['--out', '/tmp/b', '--prefix-noise', '1.5'])).toThrow(/--prefix-noise/);
    expect(() => parseTrainDefaultFlags(['--out', '/tmp/b', '--draft-layers', '0'])).toThrow(/--draft-layers/);
  });

  test('--prefix-clean sets the clean share, --draft the kind of draft; bad values are named', () => {
    const c = parseTrainDefaultFlags(['--out', '/tmp/b', '--prefix-noise', '0', '--prefix-clean', '0.5', '--draft', 'trained']).config;
    expect(c.headsPrefixNoise).toEqual({ cleanShare: 0.5, maxRate: 0 });
    expect(c.headsDraft).toBe('trained');
    expect(parseTrainDefaultFlags(['--out', '/tmp/b']).config.headsDraft).toBe(TRAIN_DEFAULT_CONFIG.headsDraft);
    expect(() => parseTrainDefaultFlags(['--out', '/tmp/b', '--prefix-clean', '2'])).toThrow(/--prefix-clean/);
    expect(() => parseTrainDefaultFlags(['--out', '/tmp/b', '--prefix-noise', 'off', '--prefix-clean', '0.5'])).toThrow(/--prefix-clean needs prefix noise/);
    expect(() => parseTrainDefaultFlags(['--out', '/tmp/b', '--draft', 'random'])).toThrow(/--draft must be main-prefix or trained/);
  });
});
