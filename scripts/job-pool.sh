# Sourced by scripts/native-sanitize.sh and scripts/native-cross.sh: runs commands in the
# background, at most JOBS at a time (default: the CPUs this process may use, so CI's 2-core
# machine runs 2 and a wider one no more than it has), each one's output kept in a log file and
# printed afterwards in the order the caller chooses, so parallel jobs do not interleave their lines.
#   pool_run LOG CMD...   starts CMD (a command or a function) once fewer than JOBS jobs run;
#                         its output goes to LOG, its exit status to LOG.status
#   pool_wait             waits for every job started
#   pool_report LOG       prints LOG; returns the job's exit status
# The caller starts no other background jobs while a pool runs (they would count against JOBS).
JOBS=${JOBS:-$(nproc)}
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || { echo "job-pool: JOBS must be a positive number, got '$JOBS'" >&2; exit 1; }

pool_run() {
    local log=$1
    shift
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
    rm -f "$log.status"
    ( set +e; "$@" >"$log" 2>&1; echo $? >"$log.status" ) &
}

pool_wait() { wait; }

pool_report() {
    cat "$1"
    [ -f "$1.status" ] || { echo "job-pool: $1: the job left no exit status" >&2; return 1; }
    return "$(cat "$1.status")"
}
