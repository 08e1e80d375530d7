     	mov    r10d,r11d
     	shl    r10d,0x5
6 00 	add    r10d,DWORD PTR [rsp+0x68c]
0 00 	lea    esi,[r11*8+0x0]
     	lea    r13d,[rsi+r8*1]
c aa 	vbroadcastss zmm1,DWORD PTR [rdx+r13*4+0x10]
     	add    esi,ecx
c b2 	vbroadcastss zmm3,DWORD PTR [rdx+rsi*4+0x10]
4 91 	vmovups zmm0,ZMMWORD PTR [r9+r10*4+0x50]
     	movsxd r14,esi
8    	vfmadd231ps zmm21,zmm3,zmm0
4 b2 	vbroadcastss zmm4,DWORD PTR [rdx+r14*4+0x14]
4 b2 	vbroadcastss zmm22,DWORD PTR [rdx+r14*4+0x18]
8    	vfmadd231ps zmm19,zmm4,zmm0
8    	vfmadd231ps zmm17,zmm22,zmm0
c b2 	vbroadcastss zmm23,DWORD PTR [rdx+r14*4+0x1c]
c b2 	vbroadcastss zmm25,DWORD PTR [rdx+r14*4+0x20]
8    	vfmadd231ps zmm15,zmm23,zmm0
8    	vfmadd231ps zmm13,zmm25,zmm0
4 b2 	vbroadcastss zmm26,DWORD PTR [rdx+r14*4+0x24]
c b2 	vbroadcastss zmm27,DWORD PTR [rdx+r14*4+0x28]
4 b2 	vbroadcastss zmm28,DWORD PTR [rdx+r14*4+0x2c]
     	movsxd r14,r13d
8    	vfmadd231ps zmm11,zmm26,zmm0
c b2 	vbroadcastss zmm29,DWORD PTR [rdx+r14*4+0x14]
4 b2 	vbroadcastss zmm30,DWORD PTR [rdx+r14*4+0x18]
c b2 	vbroadcastss zmm31,DWORD PTR [rdx+r14*4+0x1c]
4 24 	vmovdqu64 zmm2,ZMMWORD PTR [rsp+0x488]
0    	vfmadd231ps zmm2,zmm29,zmm0
4 24 	vmovdqu64 ZMMWORD PTR [rsp+0x488],zmm2
4 24 	vmovdqu64 zmm2,ZMMWORD PTR [rsp+0x8]
0    	vfmadd231ps zmm2,zmm31,zmm0
4 24 	vmovdqu64 ZMMWORD PTR [rsp+0x8],zmm2
4 24 	vmovdqu64 zmm2,ZMMWORD PTR [rsp+0x548]
0    	vfmadd231ps zmm2,zmm30,zmm0
4 24 	vmovdqu64 ZMMWORD PTR [rsp+0x548],zmm2
8    	vfmadd231ps zmm9,zmm27,zmm0
8    	vfmadd231ps zmm5,zmm1,zmm0
8    	vfmadd231ps zmm7,zmm28,zmm0
4 91 	vmovups zmm0,ZMMWORD PTR [r9+r10*4+0x10]
4 24 	vmovdqu64 zmm2,ZMMWORD PTR [rsp+0x4c8]
0    	vfmadd231ps zmm2,zmm31,zmm0
4 24 	vmovdqu64 ZMMWORD PTR [rsp+0x4c8],zmm2
0    	vfmadd231ps zmm24,zmm3,zmm0
0    	vfmadd231ps zmm20,zmm4,zmm0
0    	vfmadd231ps zmm18,zmm22,zmm0
0    	vfmadd231ps zmm16,zmm23,zmm0
0    	vfmadd231ps zmm14,zmm25,zmm0
0    	vfmadd231ps zmm12,zmm26,zmm0
0    	vfmadd231ps zmm10,zmm27,zmm0
0    	vfmadd231ps zmm8,zmm28,zmm0
0    	vfmadd231ps zmm6,zmm1,zmm0
c 24 	vmovdqu64 zmm1,ZMMWORD PTR [rsp+0x5c8]
8    	vfmadd231ps zmm1,zmm29,zmm0
c 24 	vmovdqu64 ZMMWORD PTR [rsp+0x5c8],zmm1
c 24 	vmovdqu64 zmm1,ZMMWORD PTR [rsp+0x588]
8    	vfmadd231ps zmm1,zmm30,zmm0
c 24 	vmovdqu64 ZMMWORD PTR [rsp+0x588],zmm1
     	inc    r11d
     	cmp    r11d,edi
f    	jl     0x7f7c5ff5f7b0
     	mov    rdi,QWORD PTR [r15+0x30]
     	add    r10d,0x20
     	add    esi,0x8
     	add    r13d,0x8
     	test   DWORD PTR [rdi],eax
     	cmp    r11d,eax
f    	jl     0x7f7c5ff5f753
c 06 	vmovss xmm0,DWORD PTR [rsp+0x67c]
4 06 	vmovss xmm1,DWORD PTR [rsp+0x684]
c 24 	vmovdqu64 zmm25,ZMMWORD PTR [rsp+0x8]
0    	mov    r8d,0x1
     	xor    r10d,r10d
a ff 	vucomiss xmm1,DWORD PTR [rip+0xfffffffffffffacf]        # 0x7f7c5ff5f480
     	cmovp  r10d,r8d
     	cmovne r10d,r8d
6 00 	mov    r11d,DWORD PTR [rsp+0x6a0]
     	cmp    r11d,0x1
0    	je     0x7f7c5ff63244
6 00 	mov    r9,QWORD PTR [rsp+0x690]
     	test   r9,r9
0    	jne    0x7f7c5ff6338c
