# Sourced by scripts/test, scripts/demo and the benchmarks.

# Commands to run when the sourcing script exits, in the order added.
EXIT_HOOKS=()
add_exit_hook() {
  EXIT_HOOKS+=("$1")
  trap 'for hook in "${EXIT_HOOKS[@]}"; do eval "$hook" || true; done' EXIT
}

# Starts the local 3-node Harper cluster unless one is already running, and stops it on exit only
# if this script started it.
ensure_local_cluster() {
  if ! scripts/harper-cluster status 3 >/dev/null 2>&1; then
    scripts/harper-cluster stop 3 >/dev/null
    add_exit_hook 'scripts/harper-cluster stop 3'
    scripts/harper-cluster start 3
  fi
}

# Starts the BigQuery stand-in on port 9050 unless one is running, and stops it on exit only if
# this script started it. Sets BQ_ENDPOINT.
ensure_bq_local() {
  if ! scripts/bq-local status >/dev/null 2>&1; then
    add_exit_hook 'scripts/bq-local stop'
    scripts/bq-local start 9050
  fi
  BQ_ENDPOINT="http://127.0.0.1:$(cat target/bq-local/port)"
}

# Starts the local Flink session cluster (scripts/flink-cluster) unless its REST API answers, and
# stops it on exit only if this script started it.
ensure_flink_cluster() {
  if ! curl -s --max-time 5 http://127.0.0.1:8081/overview >/dev/null 2>&1; then
    add_exit_hook 'scripts/flink-cluster stop'
    scripts/flink-cluster start
  fi
}

# For a --runnerConfig among the arguments that names the FlinkRunner: builds the job jar it
# stages, and starts the local Flink cluster (as ensure_flink_cluster) when it submits to it.
ensure_runner() {
  local config="" previous=""
  for arg in "$@"; do
    case "$arg" in
      --runnerConfig=*) config="${arg#--runnerConfig=}" ;;
      *) [[ "$previous" == "--runnerConfig" ]] && config="$arg" ;;
    esac
    previous="$arg"
  done
  if [[ -n "$config" ]] && grep -q '^runner: *FlinkRunner' "$config"; then
    source scripts/lib/job-jar.sh
    ensure_job_jar
    if grep -q '^flinkMaster: *127\.0\.0\.1:8081' "$config"; then
      ensure_flink_cluster
    fi
  fi
}
