import type { EmbeddedEnv } from '../embedded/embedded-env.ts';
import type { ScriptedExpert } from './scripted-expert.ts';

/**
 * The expert's action chunk for the env's current state: float64 [steps, 7], the actions the
 * expert takes over the next `steps` control steps when it acts from here. Rolled forward on
 * the episode's own physics and then restored, so the episode continues as if never labelled.
 * Once the task is solved inside the chunk, the solving action repeats (as demos pad the
 * chunks at their end). This is how DAgger labels the states a policy visits.
 */
export function labelChunk(env: EmbeddedEnv, expert: ScriptedExpert, steps: number): Float64Array {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be an integer >= 1, got ${steps}`);
  const saved = env.saveState();
  const out = new Float64Array(steps * 7);
  try {
    let solved = false;
    for (let i = 0; i < steps; i++) {
      if (solved) {
        out.copyWithin(i * 7, (i - 1) * 7, i * 7);
        continue;
      }
      const a = expert.act(env.sceneState());
      out.set(a, i * 7);
      solved = env.advance(a);
    }
  } finally {
    env.restoreState(saved);
  }
  return out;
}
