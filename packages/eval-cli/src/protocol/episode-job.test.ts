import { describe, expect, it } from 'vitest';
import { episodeKey, planEpisodes } from './episode-job.ts';
import { episodeSeed } from './episode-seed.ts';

describe('planEpisodes', () => {
  const plan = planEpisodes({ modes: ['baseline', 'rsd'], tasks: [3, 5], trials: 3, seed: 7, video: 1 });

  it('orders task → trial → mode and covers every combination once', () => {
    expect(plan.map(episodeKey)).toEqual([
      'baseline/3/0', 'rsd/3/0', 'baseline/3/1', 'rsd/3/1', 'baseline/3/2', 'rsd/3/2',
      'baseline/5/0', 'rsd/5/0', 'baseline/5/1', 'rsd/5/1', 'baseline/5/2', 'rsd/5/2',
    ]);
  });

  it('gives both modes the same initial state and seed', () => {
    for (let i = 0; i < plan.length; i += 2) {
      expect(plan[i]!.trial).toBe(plan[i + 1]!.trial);
      expect(plan[i]!.seed).toBe(plan[i + 1]!.seed);
      expect(plan[i]!.seed).toBe(episodeSeed(7, plan[i]!.taskId, plan[i]!.trial));
    }
  });

  it('records videos for the first n trials of each task and mode', () => {
    expect(plan.filter((j) => j.video).map(episodeKey)).toEqual(['baseline/3/0', 'rsd/3/0', 'baseline/5/0', 'rsd/5/0']);
  });
});
