import glob,re,os
for f in sorted(glob.glob('/work/plan/s6/ab-probe-*-r*.txt'), key=lambda f:(int(re.search(r'-(\d+)-r',f).group(1)), int(re.search(r'-r(\d+)',f).group(1)), 'gemm2' in f)):
    t=open(f).read()
    m=re.search(r'# start (\S+)\s+\S+ up .*load average: ([\d.]+)',t)
    e=re.search(r'# end .*load average: ([\d.]+)',t)
    rows={}
    for l in t.splitlines():
        mm=re.match(r'\| (.+?) \| ([\d.]+) ms \| ([\d.]+) ms \| (\d+) \| ([\d.]+)% \|',l)
        if mm: rows[mm.group(1)[:12]]=(float(mm.group(2)),float(mm.group(3)),int(mm.group(4)),float(mm.group(5)))
    if 'library Gemm' not in rows: print(f,'incomplete'); continue
    L=rows['library Gemm']; P=rows['library, Pac']; O=rows['OpenBLAS cbl']; K=rows['peak (same F']
    name=os.path.basename(f)[9:-4]
    print(f"| {name} | {m.group(1)[11:16]} | {L[0]:.3f} ({L[1]:.3f}) | {P[0]:.3f} ({P[1]:.3f}) | {O[0]:.3f} ({O[1]:.3f}) | {L[0]/O[0]:.3f} | {P[0]/O[0]:.3f} | {L[1]/O[1]:.3f} | {L[3]:.1f}% / {P[3]:.1f}% / {O[3]:.1f}% | {K[0]:.3f} | {m.group(2)}/{e.group(1)} |")
