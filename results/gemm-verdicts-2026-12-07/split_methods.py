#!/usr/bin/env python3
"""Split one JMH JSON into per-method files with a common benchmark name, so that
scripts/compare can test method X against method Y measured in the same run.
usage: split.py RUN.json OUTDIR method1 method2 ..."""
import json, sys, os, re
run, out, methods = sys.argv[1], sys.argv[2], sys.argv[3:]
data = json.load(open(run))
os.makedirs(out, exist_ok=True)
for m in methods:
    rows = []
    for r in data:
        b = r['benchmark']
        if b.rsplit('.', 1)[1] == m:
            r = dict(r); r['benchmark'] = b.rsplit('.', 1)[0] + '.product'
            rows.append(r)
    json.dump(rows, open(os.path.join(out, m + '.json'), 'w'), indent=1)
    print(m, len(rows))
