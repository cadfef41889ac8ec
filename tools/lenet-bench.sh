#!/usr/bin/env bash
# One command for the LeNet training-speed table (docs/benchmarks.md, "LeNet on Fashion-MNIST"):
#   bash tools/lenet-bench.sh [rounds] [images]
# conv4j auto and cpu, then PyTorch (same net and recipe, when `import torch` works), alternately for
# `rounds` rounds (default 3), then conv4j java once; every engine with 2 threads. Prints the median
# examples per wall-clock second and per CPU second (all threads; on a machine shared with other work the
# wall-clock figure depends on the load, the CPU figure much less) per engine, and conv4j's shares of CPU
# time (conv, pooling, linear, other; activations are part of other and also shown alone). PyTorch runs
# twice per round: as installed, and with OMP_WAIT_POLICY=PASSIVE (OpenMP threads that sleep rather than
# spin while waiting, which matters when the cores are shared). Needs the Fashion-MNIST files (apt-get install dataset-fashion-mnist, or
# CONV4J_FASHION_MNIST=DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
images=${2:-15360}
threads=2
out=target/lenet-bench
mkdir -p "$out"
# the examples module's class path as the reactor resolves it (core/target/classes, the libraries), written by
# each module to its own target/classpath.txt; the natives from the library module's stage folder
mvn -B -q process-classes dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
    -Dconv4j.runCtest=OFF >/dev/null
cp="examples/target/classes:core/target/native-stage:$(cat examples/target/classpath.txt)"
py=""
for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import torch, numpy' 2>/dev/null; then py=$candidate; break; fi
done
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs," \
    "ISA: $(grep -o -w -E 'avx2|fma|avx512f|avx512_bf16|avx512vnni' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$out/rows.txt"
for _ in $(seq 1 "$rounds"); do
    java -cp "$cp" org.conv4j.examples.LeNetBenchmark --backends auto,cpu --threads $threads --images "$images" \
        2>/dev/null | tee -a "$out/rows.txt"
    if [ -n "$py" ]; then
        "$py" tools/lenet/pytorch_lenet.py bench --threads $threads --images "$images" | tee -a "$out/rows.txt"
        OMP_WAIT_POLICY=PASSIVE "$py" tools/lenet/pytorch_lenet.py bench --threads $threads --images "$images" \
            | sed 's/| PyTorch \([^ ]*\) /| PyTorch \1 (OMP passive) /' | tee -a "$out/rows.txt"
    fi
done
java -cp "$cp" org.conv4j.examples.LeNetBenchmark --backends java --threads $threads --images $((images / 3)) \
    2>/dev/null | tee -a "$out/rows.txt"
[ -n "$py" ] || echo "PyTorch: not measured (python3 cannot import torch; apt-get install python3-torch)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 - "$out/rows.txt" <<'PY'
import collections, statistics, sys
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.strip().strip('|').split('|')]
    if len(cells) >= 3:
        rows.setdefault(cells[0], []).append(cells)
print('| engine | threads | examples/s (median) | examples per CPU second (median) | runs | conv | pooling | linear'
      ' | other | of which activations |')
print('|---|---|---|---|---|---|---|---|---|---|')
for name, rs in rows.items():
    med = statistics.median(float(r[2]) for r in rs)
    cpu = statistics.median(float(r[3]) for r in rs)
    best = min(rs, key=lambda r: abs(float(r[2]) - med))
    shares = best[4:] if len(best) > 4 else ['', '', '', '', '']
    print(f'| {name} | {best[1]} | {med:.0f} | {cpu:.0f} | {len(rs)} | ' + ' | '.join(shares) + ' |')
PY
