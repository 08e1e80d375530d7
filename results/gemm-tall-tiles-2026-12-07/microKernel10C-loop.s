     	cmovl  edi,r11d
0    	cmp    edi,0x3e8
     	cmova  edi,r10d
     	add    edi,ebx
0    	nop    WORD PTR [rax+rax*1+0x0]
     	mov    r11d,ebx
     	shl    r11d,0x5
5 00 	add    r11d,DWORD PTR [rsp+0x58c]
0 00 	lea    eax,[rbx*8+0x0]
     	lea    r13d,[rax+r8*1]
4 aa 	vbroadcastss zmm2,DWORD PTR [rdx+r13*4+0x10]
     	add    eax,ecx
c 82 	vbroadcastss zmm19,DWORD PTR [rdx+rax*4+0x10]
4 99 	vmovups zmm24,ZMMWORD PTR [r9+r11*4+0x50]
c 99 	vmovups zmm25,ZMMWORD PTR [r9+r11*4+0x10]
0    	vfmadd231ps zmm22,zmm19,zmm24
9    	vfmadd231ps zmm23,zmm19,zmm25
1    	vfmadd231ps zmm6,zmm2,zmm25
8    	vfmadd231ps zmm5,zmm2,zmm24
     	movsxd rbp,eax
4 aa 	vbroadcastss zmm2,DWORD PTR [rdx+rbp*4+0x2c]
     	movsxd r14,r13d
c b2 	vbroadcastss zmm19,DWORD PTR [rdx+r14*4+0x14]
1    	vfmadd231ps zmm8,zmm2,zmm25
8    	vfmadd231ps zmm7,zmm2,zmm24
1    	vfmadd231ps zmm4,zmm19,zmm25
8    	vfmadd231ps zmm3,zmm19,zmm24
4 aa 	vbroadcastss zmm2,DWORD PTR [rdx+rbp*4+0x18]
c aa 	vbroadcastss zmm19,DWORD PTR [rdx+rbp*4+0x1c]
1    	vfmadd231ps zmm18,zmm2,zmm25
8    	vfmadd231ps zmm17,zmm2,zmm24
1    	vfmadd231ps zmm16,zmm19,zmm25
8    	vfmadd231ps zmm15,zmm19,zmm24
4 aa 	vbroadcastss zmm2,DWORD PTR [rdx+rbp*4+0x20]
c aa 	vbroadcastss zmm19,DWORD PTR [rdx+rbp*4+0x24]
1    	vfmadd231ps zmm14,zmm2,zmm25
8    	vfmadd231ps zmm13,zmm2,zmm24
1    	vfmadd231ps zmm12,zmm19,zmm25
8    	vfmadd231ps zmm11,zmm19,zmm24
4 aa 	vbroadcastss zmm2,DWORD PTR [rdx+rbp*4+0x28]
c aa 	vbroadcastss zmm19,DWORD PTR [rdx+rbp*4+0x14]
1    	vfmadd231ps zmm10,zmm2,zmm25
9    	vfmadd231ps zmm21,zmm19,zmm25
0    	vfmadd231ps zmm20,zmm19,zmm24
8    	vfmadd231ps zmm9,zmm2,zmm24
     	inc    ebx
     	cmp    ebx,edi
f    	jl     0x7f13d3f27500
     	mov    rdi,QWORD PTR [r15+0x30]
     	add    r11d,0x20
     	add    eax,0x8
