#!/bin/bash
# Interleaved probe, before (main bd2bfca) and after (helper/s6-narrow), two rounds each, alternated.
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
for r in 1 2; do
  for v in before-bd2bfca after-a8601d8; do
    echo "### $v round $r $(date -u +%T) | $(uptime) | $(grep -m1 'model name' /proc/cpuinfo)"
    flock /work/plan/bench.lock $J --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench-$v.jar org.vecprop.tools.ShapeGemmProbe 128x64x10:TN 3000 2>&1 | grep -v WARNING
  done
done
