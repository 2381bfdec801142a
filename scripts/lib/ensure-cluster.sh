# Sourced by scripts/test, scripts/demo and the benchmarks.
# Starts the local 3-node Harper cluster unless one is already running, and stops it on exit only
# if this script started it.
ensure_local_cluster() {
  if ! scripts/harper-cluster status 3 >/dev/null 2>&1; then
    scripts/harper-cluster stop 3 >/dev/null
    trap 'scripts/harper-cluster stop 3' EXIT
    scripts/harper-cluster start 3
  fi
}
