#!/usr/bin/env python3
"""Disassembles the C2 methods in a -XX:+PrintAssembly log written without hsdis (hex dump):
usage: disasm.py LOG METHOD_SUBSTRING > out.s ; needs objdump."""
import re, subprocess, sys, tempfile
log, want = sys.argv[1], sys.argv[2]
lines = open(log, errors='replace').read().split('\n')
i = 0
while i < len(lines):
    l = lines[i]
    if l.startswith('Compiled method (c2)') and want in l:
        head = l
        j = i + 1
        while j < len(lines) and '[Verified Entry Point]' not in lines[j]:
            j += 1
        start = None; data = bytearray()
        k = j + 1
        while k < len(lines) and not lines[k].startswith('Compiled method') and not lines[k].startswith('[Stub Code]') and not lines[k].startswith('[Exception Handler]'):
            m = re.match(r'\s+0x([0-9a-f]+): ((?:[0-9a-f]{2,8}\s*\|?\s*)+)$', lines[k])
            if m and ';' not in lines[k]:
                addr = int(m.group(1), 16)
                if start is None: start = addr
                hexs = re.sub(r'[\s|]', '', m.group(2))
                if start + len(data) == addr:
                    data += bytes.fromhex(hexs)
            k += 1
        print('=====', head, 'bytes', len(data))
        with tempfile.NamedTemporaryFile(suffix='.bin') as f:
            f.write(data); f.flush()
            out = subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '-M', 'intel', '--adjust-vma=%#x' % start, f.name], capture_output=True, text=True).stdout
            print('\n'.join(out.split('\n')[7:]))
        i = k
    else:
        i += 1
