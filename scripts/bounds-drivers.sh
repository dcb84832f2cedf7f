# Sourced by scripts/native-sanitize.sh and scripts/native-cross.sh, after job-pool.sh: the
# memory-safety drivers conv4j/src/test/native/*_bounds.c linked to a set of library objects and
# run, a pool job each, the one way both scripts do it:
#   drivers_start LABEL DIR CASES RUNNER BLAS_DIR CC FLAGS... -- OBJECTS...
#                   each driver linked as DIR/NAME by CC FLAGS with OBJECTS and BLAS_DIR's
#                   libopenblas.so.0 (an rpath finds it at run time), then run with CASES cases
#                   through RUNNER (words such as a qemu command; "" runs it natively)
#   drivers_report  waits for the pool, prints each started driver's log in the order started, and
#                   returns non-zero if any failed, their LABEL:NAME then in the array drivers_failed
#   link_driver BIN BLAS_DIR SOURCE CC FLAGS... -- OBJECTS...   the link alone (for other programs)
drivers_started=()
drivers_failed=()

link_driver() {
    local bin=$1 blas=$2 src=$3 cmd=()
    shift 3
    while [ "$1" != -- ]; do cmd+=("$1"); shift; done
    shift
    "${cmd[@]}" "$src" "$@" "$blas/libopenblas.so.0" -Wl,-rpath,"$blas" -lm -o "$bin"
}

# driver_job SOURCE BIN CASES RUNNER BLAS_DIR CC FLAGS... -- OBJECTS...: the link, then the run, as one
# job, so that a driver that does not link reports that, not a missing file.
driver_job() {
    local src=$1 bin=$2 cases=$3 blas=$5 run=()
    read -r -a run <<<"$4"
    shift 5
    link_driver "$bin" "$blas" "$src" "$@" && "${run[@]}" "$bin" "$cases"
}

drivers_start() {
    local label=$1 dir=$2 cases=$3 runner=$4 driver name
    shift 4
    mkdir -p "$dir"
    for driver in conv4j/src/test/native/*_bounds.c; do
        name=$(basename "${driver%.c}")
        pool_run "$dir/$name.log" driver_job "$driver" "$dir/$name" "$cases" "$runner" "$@"
        drivers_started+=("$label $dir/$name")
    done
}

drivers_report() {
    local started label bin status=0
    pool_wait
    for started in "${drivers_started[@]}"; do
        read -r label bin <<<"$started"
        pool_report "$bin.log" || { drivers_failed+=("$label:$(basename "$bin")"); status=1; }
    done
    drivers_started=()
    return $status
}
