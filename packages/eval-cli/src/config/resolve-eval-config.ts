import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isExternalBackbone } from '@rsd/heads';
import { parseAcceptance } from '@rsd/rsd-engine';
import type { EvalFlags } from '../cli/eval-flags.ts';
import { parseEnvSpec } from '../env/env-spec.ts';
import { EvalError } from '../errors/eval-error.ts';
import { checkBundle, type CheckedBundle } from './bundle-check.ts';
import { EVAL_MODES, type EvalConfig, type EvalMode, type RunIdentity } from './eval-config.ts';
import type { EnvSpec } from '../env/env-spec.ts';
import { KNOWN_SUITES, SUITE_DEFAULTS } from './suite-defaults.ts';
import { formatEnsemble, parseEnsemble } from '../protocol/temporal-ensemble.ts';

/** What resolving flags needs from the outside world. */
export interface ResolveContext {
  /** Number of CPU cores (the default worker count). */
  readonly cores: number;
  /** Used for the default output folder's timestamp. */
  readonly now: Date;
  /** Folder relative paths are resolved against. */
  readonly cwd: string;
  /** The shipped bundle, used when --bundle is not given. */
  readonly defaultBundleDir: string;
  /** The saved config of the run being resumed, when --resume is given. */
  readonly saved?: { readonly identity: RunIdentity; readonly bundleDir: string; readonly env: string; readonly features?: { readonly module: string; readonly config?: string } };
}

/**
 * A bundle with an external backbone decodes features the LIBERO server computes: the embedded
 * env has none (refused here, naming the bundle and --env), `--env python` needs `--features
 * <module.py>` for the servers it spawns, TCP servers must have been started with it. A bundle with
 * its own backbone.onnx takes no --features.
 */
function withFeatures(env: EnvSpec, bundle: CheckedBundle, flags: EvalFlags, saved: { readonly module: string; readonly config?: string } | undefined, cwd: string): EnvSpec {
  const b = bundle.manifest.backbone;
  const module = flags.features ?? saved?.module;
  const config = flags.featuresConfig ?? (flags.features === undefined ? saved?.config : undefined);
  if (!isExternalBackbone(b)) {
    if (flags.features !== undefined || flags.featuresConfig !== undefined) {
      throw bad('features', `bundle ${bundle.dir} has its own backbone.onnx (manifest.json backbone.kind is not "external"); --features is only for bundles whose features come from the LIBERO server`);
    }
    return env;
  }
  const what = `bundle ${bundle.dir} has an external backbone (manifest.json backbone.kind = "external", provider ${JSON.stringify(b.provider)}, F = ${b.F})`;
  if (env.kind === 'embedded') {
    throw bad('env', `${what}: its features come from the LIBERO server's --features module, and --env embedded has no such provider; use --env python --features <module.py> or --env tcp://host:port with servers started with --features`);
  }
  if (env.kind === 'tcp') {
    if (flags.features !== undefined || flags.featuresConfig !== undefined) {
      throw bad('features', `${what}: with --env tcp://… the servers load the module themselves (start them with rsd_libero_server.py --features <module.py>, e.g. tools/libero-shards.sh --features); drop --features here`);
    }
    return { ...env, features: true };
  }
  if (module === undefined) throw bad('features', `${what}: --env python needs --features <module.py>, the module every spawned LIBERO server runs to compute the features`);
  if (!existsSync(resolve(cwd, module))) throw bad('features', `${module}: no such file`);
  if (flags.featuresConfig !== undefined && flags.features === undefined && saved === undefined) throw bad('features-config', 'needs --features <module.py>');
  return { kind: 'python', features: { module: resolve(cwd, module), ...(config === undefined ? {} : { config }) } };
}

const bad = (flag: string, why: string) => new EvalError('INVALID_FLAG', `--${flag}: ${why}`, { subject: flag });

function int(text: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw bad(flag, `expected an integer, got "${text}"`);
  const v = Number(text);
  if (v < min || v > max) throw bad(flag, `must be in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}], got ${v}`);
  return v;
}

/**
 * `both` = baseline,rsd; `all` = baseline,rsd,jacobi (the token modes); else a comma-separated list
 * of modes (report order), e.g. baseline,rsd,continuous. `continuous` is only run when named.
 */
function modesOf(text: string): EvalMode[] {
  if (text === 'both') return ['baseline', 'rsd'];
  if (text === 'all') return ['baseline', 'rsd', 'jacobi'];
  const listed = text.split(',').map((s) => s.trim());
  for (const m of listed) {
    if (!(EVAL_MODES as readonly string[]).includes(m)) throw bad('mode', `expected both, all, or a comma-separated list of ${EVAL_MODES.join(', ')}; got "${text}"`);
  }
  return EVAL_MODES.filter((m) => listed.includes(m));
}

function tasksOf(text: string, count: number, suite: string): number[] {
  if (text === 'all') return Array.from({ length: count }, (_, i) => i);
  const ids = text.split(',').map((s) => s.trim());
  const out = new Set<number>();
  for (const s of ids) {
    if (!/^\d+$/.test(s)) throw bad('tasks', `expected all or comma-separated task ids, got "${text}"`);
    const id = Number(s);
    if (id >= count) throw bad('tasks', `task ${id} does not exist in ${suite} (ids 0..${count - 1})`);
    out.add(id);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Validates every flag and the bundle before any work starts, and fills in defaults. With a
 * saved config (--resume), flags not given take the saved values and a given flag whose value
 * differs is RESUME_MISMATCH naming the field.
 */
export function resolveEvalConfig(flags: EvalFlags, ctx: ResolveContext): { config: EvalConfig; bundle: CheckedBundle } {
  const saved = ctx.saved;
  const suite = flags.suite ?? saved?.identity.suite ?? 'embedded_spatial';
  const defaults = SUITE_DEFAULTS[suite];
  if (defaults === undefined) throw bad('suite', `unknown suite "${suite}" (known: ${KNOWN_SUITES.join(', ')})`);
  const envText = flags.env ?? saved?.env ?? 'embedded';
  const initStatesText: string = flags.initStates ?? saved?.identity.initStates ?? 'fixed';
  if (initStatesText !== 'fixed' && initStatesText !== 'validation') throw bad('init-states', `must be fixed or validation, got "${initStatesText}"`);
  const initStates: 'fixed' | 'validation' = initStatesText;
  const parsedEnv = parseEnvSpec(envText);
  if (initStates === 'validation' && parsedEnv.kind !== 'embedded') {
    throw bad('init-states', 'validation states exist only in the embedded suite (LIBERO has no validation split)');
  }
  let env: EnvSpec = parsedEnv.kind === 'embedded' ? { kind: 'embedded' as const, initStates } : parsedEnv;
  if (suite === 'embedded_spatial' && env.kind !== 'embedded') throw bad('env', `suite embedded_spatial runs only with --env embedded`);
  if (suite !== 'embedded_spatial' && env.kind === 'embedded') throw bad('suite', `${suite} needs real LIBERO: use --env python or --env tcp://host:port`);
  const modeText = flags.mode ?? (saved === undefined ? undefined : saved.identity.modes.join(','));
  const acceptance = flags.acceptance ?? saved?.identity.acceptance ?? 'exact';
  let parsedAcceptance: ReturnType<typeof parseAcceptance>;
  try {
    parsedAcceptance = parseAcceptance(acceptance);
  } catch (error) {
    throw new EvalError('INVALID_FLAG', (error as Error).message, { subject: 'acceptance', cause: error });
  }
  const trials = int(flags.trials, 'trials', 1, defaults.initStates) ?? saved?.identity.trials ?? 50;
  const tasks = flags.tasks !== undefined ? tasksOf(flags.tasks, defaults.tasks, suite) : saved !== undefined ? [...saved.identity.tasks] : tasksOf('all', defaults.tasks, suite);
  const seed = int(flags.seed, 'seed', 0, 2 ** 31 - 1) ?? saved?.identity.seed ?? 7;
  const maxSteps = int(flags.maxSteps, 'max-steps', 1, 100_000) ?? saved?.identity.maxSteps ?? defaults.maxSteps;
  const waitSteps = int(flags.waitSteps, 'wait-steps', 0, 10_000) ?? saved?.identity.waitSteps ?? 10;
  const draftLayers = int(flags.draftLayers, 'draft-layers', 1, 64) ?? saved?.identity.draftLayers;
  const workersDefault = env.kind === 'tcp' ? env.endpoints.length : Math.max(1, ctx.cores);
  const workers = int(flags.workers, 'workers', 1, 256) ?? workersDefault;
  const intraOpThreads = int(flags.threads, 'threads', 1, 256) ?? 1;
  // --video highlights (default) | none | <n>: first success and failure per task and mode, nothing, or the first n trials
  const videoText = flags.video ?? 'highlights';
  const highlights = videoText === 'highlights';
  const video = highlights || videoText === 'none' ? 0 : (int(videoText, 'video', 0, defaults.initStates) ?? 0);
  const bundleDir = resolve(ctx.cwd, flags.bundle ?? saved?.bundleDir ?? ctx.defaultBundleDir);
  const bundle = checkBundle(bundleDir, { isDefault: flags.bundle === undefined && saved === undefined });
  env = withFeatures(env, bundle, flags, saved?.features, ctx.cwd);
  // default: baseline and rsd, or baseline and jacobi for a bundle without a draft (dims.k = 0)
  const modes = modesOf(modeText ?? (bundle.manifest.dims.k > 0 ? 'both' : 'baseline,jacobi'));
  if (modes.includes('rsd') && bundle.manifest.dims.k === 0) {
    throw bad('mode', `${bundleDir} has no draft.onnx (manifest.json dims.k = 0), so rsd cannot run; use --mode baseline,jacobi`);
  }
  if (modes.includes('continuous') && bundle.manifest.continuous === undefined) {
    throw bad('mode', `continuous runs the teacher's continuous head, but bundle ${bundleDir} has no continuous.onnx (manifest.json has no "continuous" block); drop continuous from --mode, or use a bundle that ships it`);
  }
  const tol = parsedAcceptance.kind === 'relaxed' ? parsedAcceptance.tolerance : undefined;
  if (typeof tol === 'object' && tol.length !== bundle.manifest.dims.L) {
    // every layer can be checked (draft- or main-proposed), so a list needs one tolerance per layer
    throw bad('acceptance', `relaxed lists ${tol.length} tolerances; the bundle has L = ${bundle.manifest.dims.L} layers (give one per layer, or a single number)`);
  }
  const k = draftLayers ?? bundle.manifest.dims.k;
  if (k > bundle.manifest.dims.L) throw bad('draft-layers', `must be <= the bundle's L (${bundle.manifest.dims.L}), got ${k}`);
  // execution defaults: flag, else the resumed run's, else the bundle's recommendation, else open-loop chunks of 8
  const execution = bundle.manifest.execution;
  const executeSteps = int(flags.executeSteps, 'execute-steps', 1, 1024) ?? saved?.identity.executeSteps ?? execution?.executeSteps ?? 8;
  let ensemble: string;
  try {
    ensemble = formatEnsemble(parseEnsemble(flags.ensemble ?? saved?.identity.ensemble ?? execution?.ensemble ?? 'none'));
  } catch (error) {
    throw bad('ensemble', (error as Error).message);
  }
  if (executeSteps > bundle.manifest.dims.C) {
    throw bad('execute-steps', `must be <= the bundle's chunk length C (${bundle.manifest.dims.C}), got ${executeSteps}`);
  }
  const stamp = ctx.now.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  const outDir = resolve(ctx.cwd, flags.resume ?? flags.out ?? `results/${suite}-${stamp}`);
  if (flags.resume !== undefined && flags.out !== undefined && resolve(ctx.cwd, flags.out) !== outDir) {
    throw bad('out', '--out and --resume name different folders; --resume writes into the folder it resumes');
  }
  const renderSize = int(flags.renderSize, 'render-size', 8, 4096) ?? saved?.identity.renderSize;
  const identity: RunIdentity = {
    suite,
    envKind: env.kind === 'embedded' ? 'embedded' : 'python',
    bundleSha256: bundle.manifestSha256,
    modes,
    acceptance,
    draftLayers,
    trials,
    tasks,
    seed,
    maxSteps,
    waitSteps,
    executeSteps,
    ensemble,
    initStates,
    ...(renderSize === undefined ? {} : { renderSize }),
  };
  const config: EvalConfig = { ...identity, env, bundleDir, workers, outDir, video, highlights, json: flags.json === true, intraOpThreads };
  return { config, bundle };
}
