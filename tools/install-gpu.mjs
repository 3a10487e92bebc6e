// postinstall: install GPU-only extras where a GPU is present, never fail the install.
//
// The root package.json's `allowScripts` denies onnxruntime-node's own postinstall (its CUDA
// download reaches outside the npm registry and fails on offline machines; the CPU provider
// ships inside the package). Where `nvidia-smi -L` lists a GPU, this runs that install script
// itself, naming the CUDA build, so ONNX Runtime gets its CUDA provider. The
// TensorFlow.js native packages are optionalDependencies: npm skips them on its own when
// their download fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

function hasNvidiaGpu() {
  try {
    return execFileSync('nvidia-smi', ['-L'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().includes('GPU');
  } catch {
    return false;
  }
}

if (process.env.RSD_SKIP_GPU_INSTALL === '1') {
  console.log('[rsd] RSD_SKIP_GPU_INSTALL=1: CPU-only install');
} else if (`${process.platform}/${process.arch}` !== 'linux/x64') {
  console.log(`[rsd] ${process.platform}/${process.arch}: onnxruntime-node has no separate CUDA download here`);
} else if (!hasNvidiaGpu()) {
  console.log('[rsd] no NVIDIA GPU found (nvidia-smi -L): ONNX Runtime will use its CPU provider');
} else {
  const require = createRequire(import.meta.url);
  let script;
  try {
    script = join(dirname(require.resolve('onnxruntime-node/package.json')), 'script', 'install.js');
  } catch {
    script = undefined;
  }
  if (!script || !existsSync(script)) {
    console.log('[rsd] GPU found but onnxruntime-node has no install script here: CPU provider only');
  } else {
    // Name the CUDA build explicitly: without a flag, onnxruntime-node's script treats a run
    // from inside a workspace as a local install and exits without fetching anything.
    const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' };
    delete env.npm_config_onnxruntime_node_install;
    const r = spawnSync(process.execPath, [script], { stdio: 'inherit', env, cwd: dirname(dirname(script)) });
    console.log(
      r.status === 0
        ? '[rsd] ONNX Runtime CUDA provider installed'
        : `[rsd] ONNX Runtime CUDA provider install failed (exit ${r.status}): the engine will use CPU`,
    );
  }
}
