#!/bin/sh
# Run a libFuzzer binary for a bounded time, as the meson test fuzz/fdt does.
#
#   run_fuzzer.sh FUZZER SECONDS WORKDIR DICT SEED_DIR...
#
# WORKDIR/corpus is made afresh and filled with the files of each SEED_DIR
# (a missing or empty one is an error: the fuzzer would start from less than
# it was given); new inputs the fuzzer finds go there too.
# Crashing inputs go to WORKDIR/artifacts/ and the whole log is kept in
# WORKDIR/fuzz.log.  Exits non-zero when the fuzzer found a crash, a leak,
# a timeout or ran out of memory.
set -eu

if [ $# -lt 4 ]; then
	echo "usage: $0 FUZZER SECONDS WORKDIR DICT SEED_DIR..." >&2
	exit 2
fi
fuzzer=$1
seconds=$2
work=$3
dict=$4
shift 4

corpus=$work/corpus
artifacts=$work/artifacts
log=$work/fuzz.log
rm -rf "$corpus"
mkdir -p "$corpus" "$artifacts"

# Seeds, prefixed with their directory's name so that names cannot clash.
nseeds=0
for dir in "$@"; do
	if [ ! -d "$dir" ]; then
		echo "run_fuzzer.sh: no seed directory $dir" >&2
		exit 2
	fi
	before=$nseeds
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		cp "$f" "$corpus/$(basename "$dir")-$(basename "$f")"
		nseeds=$((nseeds + 1))
	done
	if [ $nseeds -eq $before ]; then
		echo "run_fuzzer.sh: no seed files in $dir" >&2
		exit 2
	fi
done
echo "# $nseeds seed inputs in $corpus"

# -use_value_profile: comparisons count as coverage, which leads the fuzzer
# to the 2^64 boundaries of address arithmetic much sooner.
set +e
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
	-timeout=30 -use_value_profile=1 -dict="$dict" -print_final_stats=1 \
	-artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1
rc=$?
set -e

if [ $rc -ne 0 ]; then
	echo "# fuzzer exited with status $rc; last lines of $log:"
	tail -n 100 "$log"
	echo "# crashing inputs (replay one with: $fuzzer FILE):"
	ls -l "$artifacts"
	exit 1
fi
# The coverage at start and end, and the final statistics.
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|^Done ' "$log" || true
echo "# corpus now holds $(ls "$corpus" | wc -l) inputs; full log: $log"
