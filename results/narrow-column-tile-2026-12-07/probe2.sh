#!/bin/bash
# Interleaved probe at more TN shapes, before (main bd2bfca) and after (helper/s6-narrow a8601d8), alternated.
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
for r in 1 2; do
 for s in 128x64x10:TN 784x64x10:TN 128x300x10:TN 128x64x6:TN 128x64x12:TN 128x64x4:TN; do
  for v in before-bd2bfca after-a8601d8; do
    echo "### $v $s round $r $(date -u +%T) | $(uptime)"
    flock /work/plan/bench.lock $J --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench-$v.jar org.vecprop.tools.ShapeGemmProbe $s 3000 2>&1 | grep -E "^  (vecprop |vecpropPacked|specialised |openblas)"
  done
 done
done
