#!/usr/bin/env bash
# Runs an evaluation on real LIBERO sharded over N local bridge servers (one TCP server per
# shard; each server forks one LIBERO environment per connected worker).
#   tools/libero-shards.sh <N> [eval flags...]
#   e.g. MUJOCO_GL=egl tools/libero-shards.sh 8 --suite libero_spatial --trials 50 --render-size 256 --bundle /abs/bundle
# Environment: RSD_LIBERO_PYTHON (the Python with LIBERO; default python3), RSD_LIBERO_BASE_PORT
# (first port, default 5555), MUJOCO_GL, LIBERO_CONFIG_PATH (passed to the servers as they are).
# A fresh random token is shared by the servers and the client. The servers stop when the run ends.
# --features <module.py> and --features-config <json|file> (for a bundle with an external backbone,
# e.g. OpenVLA features) go to every server (rsd_libero_server.py --features), not to eval; each
# server's forked child loads the module's model once. RSD_LIBERO_GPUS=0,1,... gives server i the
# GPU at position i mod len (CUDA_VISIBLE_DEVICES), e.g. one OpenVLA per GPU.
# Exit code: the evaluation's own (0 ok, 2 bad flags, 3 some episodes in error, 4 setup fault).
set -euo pipefail
n="${1:?usage: tools/libero-shards.sh <N> [eval flags...]}"
shift
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "libero-shards: N must be a positive integer, got $n" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server="$root/packages/libero-bridge/python/rsd_libero_server.py"
python="${RSD_LIBERO_PYTHON:-python3}"
base="${RSD_LIBERO_BASE_PORT:-5555}"
# split the feature flags (for the servers) from the eval flags
server_args=()
eval_args=()
while (($#)); do
  case "$1" in
    --features | --features-config)
      [[ $# -ge 2 ]] || { echo "libero-shards: $1 needs a value" >&2; exit 2; }
      value="$2"
      # a module or config file path is relative to where the script was called; inline JSON stays
      if [[ "$1" == --features || "$value" != \{* ]]; then value="$(cd "$(dirname "$value")" && pwd)/$(basename "$value")"; fi
      server_args+=("$1" "$value")
      shift 2
      ;;
    *)
      eval_args+=("$1")
      shift
      ;;
  esac
done
IFS=, read -r -a gpus <<<"${RSD_LIBERO_GPUS:-}"
export RSD_LIBERO_TOKEN="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
logs="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
endpoints=()
for ((i = 0; i < n; i++)); do
  port=$((base + i))
  if ((${#gpus[@]})); then
    CUDA_VISIBLE_DEVICES="${gpus[$((i % ${#gpus[@]}))]}" "$python" -u "$server" --tcp "127.0.0.1:$port" ${server_args[@]+"${server_args[@]}"} 2>"$logs/server-$i.log" &
  else
    "$python" -u "$server" --tcp "127.0.0.1:$port" ${server_args[@]+"${server_args[@]}"} 2>"$logs/server-$i.log" &
  fi
  pids+=($!)
  endpoints+=("tcp://127.0.0.1:$port")
done
for ((i = 0; i < n; i++)); do
  for _ in $(seq 1 600); do
    grep -q RSD_LIBERO_LISTENING "$logs/server-$i.log" && break
    kill -0 "${pids[$i]}" 2>/dev/null || { echo "libero-shards: server $i exited before listening:" >&2; cat "$logs/server-$i.log" >&2; exit 4; }
    sleep 0.1
  done
  grep -q RSD_LIBERO_LISTENING "$logs/server-$i.log" || { echo "libero-shards: server $i did not listen within 60 s (log: $logs/server-$i.log)" >&2; exit 4; }
done
echo "libero-shards: $n servers listening (logs in $logs)" >&2
env_flag="$(IFS=,; echo "${endpoints[*]}")"
set +e
# npm (not nx) runs the eval so that its exit code reaches the caller; paths resolve against this folder
npm run --silent eval -w @rsd/eval-cli -- --env "$env_flag" ${eval_args[@]+"${eval_args[@]}"}
code=$?
exit "$code"
