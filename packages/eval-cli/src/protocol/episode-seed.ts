import type { EvalMode } from '../config/eval-config.ts';
/** 32-bit avalanche mix (murmur3's finaliser). */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Seed of one episode: a pure function of (base seed, task, trial), so an episode's outcome
 * never depends on which worker ran it or in which order. Every mode (continuous included) uses the
 * same seed, so the modes run on the same initial states and seeds.
 * Result in [0, 2^31).
 */
export function episodeSeed(baseSeed: number, taskId: number, trial: number): number {
  let h = mix32(baseSeed ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(taskId + 1, 0x27d4eb2f));
  h = mix32(h ^ Math.imul(trial + 1, 0x165667b1));
  return h & 0x7fffffff;
}

/** Per-mode salt of the call seeds (baseline, rsd and jacobi as they always were). */
const CALL_SALT: Readonly<Record<EvalMode, number>> = { baseline: 0x1b873593, rsd: 0x5bd1e995, jacobi: 0x27d4eb2f, continuous: 0x68e31da4 };

/**
 * Seed of the policy's n-th call within an episode in one mode (used by `sample` acceptance):
 * distinct per (episode, mode, call), so no two calls share a random stream. Each mode has its own
 * salt; adding a mode (`continuous`, whose head draws no random numbers) leaves the others' seeds as they were.
 */
export function callSeed(seed: number, mode: EvalMode, callIndex: number): number {
  const salt = CALL_SALT[mode];
  return mix32(mix32(seed ^ salt) ^ mix32(callIndex + 0x51ed27)) & 0x7fffffff;
}
