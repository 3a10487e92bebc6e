import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runEval } from '../src/commands/run-eval.ts';
import { episodeKey } from '../src/protocol/episode-job.ts';
import { readEpisodeLog } from '../src/results/episode-log.ts';
import type { EpisodeRecord } from '../src/results/episode-record.ts';
import { collectProgress, spawnCli, tempDir, tinyBundle } from './fixtures.ts';

// End to end on the real embedded suite (MuJoCo WASM) and the real engine (ONNX Runtime).
const root = tempDir('embedded');
let bundle = '';
const base = ['--trials', '2', '--tasks', '0,1', '--mode', 'both', '--max-steps', '24'];
const flagsOf = (args: string[]) => {
  const f: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) f[args[i]!.slice(2).replace(/-(\w)/g, (_, c: string) => c.toUpperCase())] = args[i + 1]!;
  return f;
};
const outcome = (rs: readonly EpisodeRecord[]) =>
  Object.fromEntries(rs.map((r) => [episodeKey(r), [r.status, r.success, r.steps, r.inference_ms.length, r.tokens_sha256, r.actions_sha256]]).sort());
let reference: EpisodeRecord[] = [];

beforeAll(async () => {
  bundle = await tinyBundle(root);
}, 60_000);

describe('eval on embedded_spatial', () => {
  it('--trials 2 --tasks 0,1 --mode both writes every output with the documented schema', async () => {
    const out = join(root, 'both');
    const progress = collectProgress();
    const r = await runEval({ ...flagsOf(base), bundle, out, workers: '2', video: '1' }, { progress });
    expect(r).toMatchObject({ ran: 8, skipped: 0, errors: 0 });
    for (const f of ['run.json', 'episodes.jsonl', 'results_baseline.json', 'results_rsd.json', 'performance_comparison.json', 'report.md', 'report.html']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    reference = readEpisodeLog(join(out, 'episodes.jsonl'));
    expect(reference).toHaveLength(8);
    for (const e of reference) {
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['mode', 'task_id', 'trial', 'seed', 'status', 'success', 'steps', 'inference_ms', 'acceptance', 'tokens_sha256']));
      expect(e.status).toBe('ok');
      expect(e.steps).toBe(24);
      expect(e.inference_ms).toHaveLength(3);
    }
    for (const mode of ['baseline', 'rsd']) {
      const res = JSON.parse(readFileSync(join(out, `results_${mode}.json`), 'utf8'));
      expect(res).toMatchObject({ task_suite: 'embedded_spatial', use_speculative_decoding: mode === 'rsd', total_episodes: 4, total_successes: expect.any(Number), final_success_rate: expect.any(Number), avg_inference_time_ms: expect.any(Number) });
      expect(Object.keys(res.rsd_stats).sort()).toEqual(['draft_acceptance_rate', 'full_rejection_rate', 'mean_accepted_layers', 'partial_acceptance_rate']);
      expect(res.task_results.map((t: Record<string, unknown>) => Object.keys(t))).toEqual([expect.arrayContaining(['task_id', 'task_description', 'success_rate', 'successes', 'episodes']), expect.anything()]);
      expect(res.task_results[1].task_description).toBe('pick up the black bowl next to the ramekin and place it on the plate');
    }
    const cmp = JSON.parse(readFileSync(join(out, 'performance_comparison.json'), 'utf8'));
    expect(cmp.speedup).toBeGreaterThan(0);
    expect(Object.keys(cmp.speedup_by_stage).sort()).toEqual(['backbone', 'decode', 'decoding', 'total']);
    // exact acceptance: RSD decodes the same tokens as baseline, so every paired episode is identical
    expect(cmp.paired).toMatchObject({ episodes: 4, identical_tokens: 4 });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    // success per task, latency, draft acceptance by layer, main passes per call, speedup by stage
    expect(html.match(/<svg /g)?.length).toBe(5);
    expect(html).toContain('Decoding over residual depth');
    // rsd's decoding statistics: every call needed 1..L main passes, the histogram counts every call
    const rsdStats = JSON.parse(readFileSync(join(out, 'results_rsd.json'), 'utf8')).decoding_stats;
    expect(rsdStats.pass_histogram.reduce((a: number, b: number) => a + b, 0)).toBe(rsdStats.policy_calls);
    expect(rsdStats.pass_histogram[0]).toBe(0);
    expect(rsdStats.mean_main_passes).toBeLessThan(8);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| 1 | pick up the black bowl next to the ramekin');
    const videos = readdirSync(join(out, 'videos')).sort();
    expect(videos).toEqual([
      'baseline--task_id=0--episode=0--success=false--task=pick_up_the_black_bowl_between_the_plate_and_the_r.gif',
      'baseline--task_id=1--episode=0--success=false--task=pick_up_the_black_bowl_next_to_the_ramekin_and_pla.gif',
      'rsd--task_id=0--episode=0--success=false--task=pick_up_the_black_bowl_between_the_plate_and_the_r.gif',
      'rsd--task_id=1--episode=0--success=false--task=pick_up_the_black_bowl_next_to_the_ramekin_and_pla.gif',
    ]);
    expect(readFileSync(join(out, 'videos', videos[0]!)).subarray(0, 6).toString()).toBe('GIF89a');
    expect(progress.text().split('\n').filter((l) => /^\[(baseline|rsd) \d\/4\] task \d trial \d: (success|failure)/.test(l))).toHaveLength(8);
  }, 180_000);

  it('SIGKILL halfway, then --resume (both --workers 1): same totals, outcomes and tokens as the --workers 2 run, no duplicated episode', async () => {
    expect(reference).toHaveLength(8);
    const out = join(root, 'killed');
    const log = join(out, 'episodes.jsonl');
    const child = spawnCli([...base, '--bundle', bundle, '--out', out, '--workers', '1']);
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').length - 1 : 0;
        if (lines >= 3) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('the run ended before it could be killed'));
      });
    });
    await new Promise((resolve) => child.once('close', resolve));
    const before = readEpisodeLog(log);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThan(8);
    expect(existsSync(join(out, 'results_rsd.json'))).toBe(false);
    const r = await runEval({ resume: out, workers: '1' }, { progress: collectProgress() });
    expect(r.skipped).toBe(before.length);
    expect(r.ran).toBe(8 - before.length);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EpisodeRecord);
    expect(new Set(lines.map(episodeKey)).size).toBe(lines.length);
    expect(outcome(lines)).toEqual(outcome(reference));
    const a = JSON.parse(readFileSync(join(out, 'results_rsd.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(root, 'both', 'results_rsd.json'), 'utf8'));
    for (const k of ['total_episodes', 'total_successes', 'final_success_rate', 'rsd_stats', 'total_errors']) expect(a[k], k).toEqual(b[k]);
    expect(a.task_results.map((t: { successes: number; episodes: number }) => [t.successes, t.episodes])).toEqual(
      b.task_results.map((t: { successes: number; episodes: number }) => [t.successes, t.episodes]),
    );
  }, 180_000);

  it('--mode all: jacobi (no draft) decodes the same tokens as baseline and rsd, with fewer main passes; reports show the three side by side', async () => {
    const out = join(root, 'all');
    const r = await runEval({ ...flagsOf(base), trials: '1', bundle, out, workers: '1', mode: 'all', video: 'none' }, { progress: collectProgress() });
    expect(r).toMatchObject({ ran: 6, errors: 0 });
    expect(r.jacobi).not.toBeNull();
    const cmp = JSON.parse(readFileSync(join(out, 'performance_comparison.json'), 'utf8'));
    expect(cmp.jacobi_vs_baseline.paired).toMatchObject({ episodes: 2, identical_tokens: 2 });
    expect(cmp.rsd_vs_jacobi.paired).toMatchObject({ episodes: 2, identical_tokens: 2 });
    const jacobi = JSON.parse(readFileSync(join(out, 'results_jacobi.json'), 'utf8'));
    expect(jacobi).toMatchObject({ decoding_mode: 'jacobi', acceptance: 'exact' });
    expect(jacobi.decoding_stats.mean_main_passes).toBeLessThanOrEqual(8);
    // no draft: nothing draft-proposed was checked; main's own guesses were
    expect(jacobi.decoding_stats.acceptance_by_source.draft.tokens_checked.every((n: number) => n === 0)).toBe(true);
    expect(jacobi.decoding_stats.acceptance_by_source.main.tokens_checked.some((n: number) => n > 0)).toBe(true);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/^\| jacobi \| /m);
    expect(md).toContain('| jacobi vs baseline |');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<th>jacobi</th>');
  });

  it('--mode baseline,rsd,continuous: the teacher head runs on the same states and seeds; results, comparison and reports show what tokenization costs', async () => {
    const withHead = await tinyBundle(root, { continuous: true });
    const out = join(root, 'continuous');
    const r = await runEval({ trials: '1', tasks: '0', maxSteps: '16', mode: 'baseline,rsd,continuous', bundle: withHead, out, workers: '1', video: 'none' }, { progress: collectProgress() });
    expect(r).toMatchObject({ ran: 3, errors: 0 });
    expect(r.continuous).toMatchObject({ decoding_mode: 'continuous', use_speculative_decoding: false, acceptance: 'none', decoding_stats: null, total_episodes: 1 });
    const log = readEpisodeLog(join(out, 'episodes.jsonl'));
    const byMode = Object.fromEntries(log.map((e) => [e.mode, e]));
    expect(Object.keys(byMode).sort()).toEqual(['baseline', 'continuous', 'rsd']);
    const c = byMode.continuous!;
    expect(c).toMatchObject({ status: 'ok', steps: 16, seed: byMode.baseline!.seed, trial: 0, task_id: 0 });
    expect(c.inference_ms).toHaveLength(2);
    // no tokens: the hash of the empty stream; no draft or main passes; the head is the decode stage
    expect(c.tokens_sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(c.acceptance).toMatchObject({ proposed_layers: 0, main_passes: 0, draft_passes: 0 });
    expect(c.stage_ms).toMatchObject({ draft: 0, verify: 0, autoregressive: 0 });
    expect(c.stage_ms.decode).toBeGreaterThan(0);
    expect(c.actions_sha256).not.toBe(byMode.baseline!.actions_sha256);
    const res = JSON.parse(readFileSync(join(out, 'results_continuous.json'), 'utf8'));
    expect(res).toMatchObject({ task_suite: 'embedded_spatial', use_speculative_decoding: false, total_episodes: 1, final_success_rate: expect.any(Number), rsd_stats: { draft_acceptance_rate: 0, mean_accepted_layers: 0 }, decoding_mode: 'continuous' });
    expect(res.task_results).toHaveLength(1);
    const cmp = JSON.parse(readFileSync(join(out, 'performance_comparison.json'), 'utf8'));
    // rsd vs baseline is untouched by the third mode; continuous is paired with baseline, tokens not compared
    expect(cmp.paired).toMatchObject({ episodes: 1, identical_tokens: 1 });
    expect(cmp.continuous_vs_baseline.paired.episodes).toBe(1);
    expect(cmp.continuous_vs_baseline).toMatchObject({ success_cost: expect.any(Number), mcnemar_p: expect.any(Number), speedup: expect.any(Number) });
    expect(cmp.continuous_vs_baseline.paired).not.toHaveProperty('identical_tokens');
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/^\| continuous \| /m);
    expect(md).toContain('| task | instruction | baseline | rsd | continuous |');
    expect(md).toContain('Tokenization cost (continuous head vs token baseline, paired on 1 episode of the same task and trial');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<th>continuous</th>');
    expect(html).toContain('<p class="tokenization">');
  }, 180_000);

  it('refuses to resume with a flag that changes the outcome, naming the field', async () => {
    await expect(runEval({ resume: join(root, 'both'), seed: '8' }, { progress: collectProgress() })).rejects.toThrow(/field "seed"/);
    await expect(runEval({ ...flagsOf(base), bundle, out: join(root, 'both') }, { progress: collectProgress() })).rejects.toThrow(/--resume/);
  });
});
