     	cmp    r11d,eax
     	cmovl  ebp,ebx
0    	cmp    ebp,0x3e8
     	cmova  ebp,edi
     	add    ebp,eax
     	lea    esi,[rcx+rax*8]
c b2 	vbroadcastss zmm17,DWORD PTR [rdx+rsi*4+0x10]
     	mov    r13d,eax
     	shl    r13d,0x5
     	add    r13d,r9d
     	movsxd r10,esi
4 92 	vbroadcastss zmm18,DWORD PTR [rdx+r10*4+0x28]
c 92 	vbroadcastss zmm19,DWORD PTR [rdx+r10*4+0x14]
4 92 	vbroadcastss zmm20,DWORD PTR [rdx+r10*4+0x18]
c 92 	vbroadcastss zmm21,DWORD PTR [rdx+r10*4+0x2c]
4 92 	vbroadcastss zmm22,DWORD PTR [rdx+r10*4+0x1c]
c 92 	vbroadcastss zmm23,DWORD PTR [rdx+r10*4+0x20]
4 92 	vbroadcastss zmm24,DWORD PTR [rdx+r10*4+0x24]
c a8 	vmovups zmm25,ZMMWORD PTR [r8+r13*4+0x10]
4 a8 	vmovups zmm26,ZMMWORD PTR [r8+r13*4+0x50]
1    	vfmadd231ps zmm16,zmm17,zmm25
a    	vfmadd231ps zmm15,zmm18,zmm26
2    	vfmadd231ps zmm14,zmm17,zmm26
2    	vfmadd231ps zmm12,zmm19,zmm26
9    	vfmadd231ps zmm1,zmm18,zmm25
9    	vfmadd231ps zmm13,zmm19,zmm25
a    	vfmadd231ps zmm9,zmm20,zmm26
9    	vfmadd231ps zmm11,zmm20,zmm25
2    	vfmadd231ps zmm4,zmm23,zmm26
9    	vfmadd231ps zmm5,zmm23,zmm25
2    	vfmadd231ps zmm6,zmm22,zmm26
1    	vfmadd231ps zmm8,zmm22,zmm25
1    	vfmadd231ps zmm10,zmm21,zmm25
a    	vfmadd231ps zmm7,zmm21,zmm26
2    	vfmadd231ps zmm2,zmm24,zmm26
9    	vfmadd231ps zmm3,zmm24,zmm25
     	inc    eax
     	cmp    eax,ebp
f    	jl     0x7fa553f1d6f0
     	mov    r14,QWORD PTR [r15+0x30]
     	add    r13d,0x20
     	add    esi,0x8
     	test   DWORD PTR [r14],eax
     	cmp    eax,r11d
