// Tests of the x86 decoder, opcode table and disassembler.
//
// The expected texts in CASES_32 / CASES_16 were produced by GNU objdump 2.40
// (`objdump -D -b binary -mi386 -Mintel`, `-mi8086` for 16-bit code) on each
// byte string, then normalized to disasm.ts's conventions: lowercase, one
// space after the mnemonic, ", " between operands, SDM names for size
// variants (pushad/pushfd/iretd in 32-bit operand size, pusha/pushf/iret in
// 16-bit) instead of objdump's pusha/pushaw/pushfw/iretw..., no w/d suffix
// (callw, jmpw, pushw, pushd, lgdtw, sgdtd -> call, jmp, push, lgdt, sgdt),
// no addr16 marker, and no "+0x0" for a zero displacement after a base
// register. Each byte string is exactly one instruction, so the expected
// length is also its byte count. objdump is not needed to run these tests
// except for the cross-check, which is skipped without it.

import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decode, disassemble, flagEffects, lookupEntry, NONE,
  FLAG_AF, FLAG_CF, FLAG_DF, FLAG_IF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF, FLAGS_OSZAPC,
  A_LOCK, A_BRANCH, A_END, A_PRIV,
  type Insn,
} from '../src/frontend-x86/index.js';

/** [bytes as hex, expected length, expected disassembly]. */
type Case = readonly [string, number, string];

const CASES_32: readonly Case[] = [
  ['00c8', 2, 'add al, cl'], ['01d8', 2, 'add eax, ebx'], ['0218', 2, 'add bl, byte ptr [eax]'],
  ['0319', 2, 'add ebx, dword ptr [ecx]'], ['0405', 2, 'add al, 0x5'],
  ['0578563412', 5, 'add eax, 0x12345678'], ['0800', 2, 'or byte ptr [eax], al'],
  ['10442408', 4, 'adc byte ptr [esp+0x8], al'], ['1a45f0', 3, 'sbb al, byte ptr [ebp-0x10]'],
  ['2b048d00100000', 7, 'sub eax, dword ptr [ecx*4+0x1000]'], ['31c0', 2, 'xor eax, eax'],
  ['3b0d44332211', 6, 'cmp ecx, dword ptr ds:0x11223344'], ['3c7f', 2, 'cmp al, 0x7f'],
  ['3dffffffff', 5, 'cmp eax, 0xffffffff'], ['807d0800', 4, 'cmp byte ptr [ebp+0x8], 0x0'],
  ['81c400010000', 6, 'add esp, 0x100'], ['820005', 3, 'add byte ptr [eax], 0x5'],
  ['83ec10', 3, 'sub esp, 0x10'], ['83c080', 3, 'add eax, 0xffffff80'], ['6683c080', 4, 'add ax, 0xff80'],
  ['6681c13412', 5, 'add cx, 0x1234'], ['06', 1, 'push es'], ['07', 1, 'pop es'], ['0e', 1, 'push cs'],
  ['16', 1, 'push ss'], ['17', 1, 'pop ss'], ['1e', 1, 'push ds'], ['1f', 1, 'pop ds'],
  ['0fa0', 2, 'push fs'], ['0fa1', 2, 'pop fs'], ['0fa8', 2, 'push gs'], ['0fa9', 2, 'pop gs'],
  ['27', 1, 'daa'], ['2f', 1, 'das'], ['37', 1, 'aaa'], ['3f', 1, 'aas'], ['d40a', 2, 'aam 0xa'],
  ['d50a', 2, 'aad 0xa'], ['d408', 2, 'aam 0x8'], ['40', 1, 'inc eax'], ['4f', 1, 'dec edi'],
  ['50', 1, 'push eax'], ['57', 1, 'push edi'], ['58', 1, 'pop eax'], ['5f', 1, 'pop edi'],
  ['6640', 2, 'inc ax'], ['6650', 2, 'push ax'], ['60', 1, 'pushad'], ['61', 1, 'popad'],
  ['6660', 2, 'pusha'], ['6661', 2, 'popa'], ['6208', 2, 'bound ecx, qword ptr [eax]'],
  ['666208', 3, 'bound cx, dword ptr [eax]'], ['63c8', 2, 'arpl ax, cx'],
  ['6308', 2, 'arpl word ptr [eax], cx'], ['6878563412', 5, 'push 0x12345678'],
  ['66683412', 4, 'push 0x1234'], ['69c078563412', 6, 'imul eax, eax, 0x12345678'],
  ['6aff', 2, 'push 0xffffffff'], ['666aff', 3, 'push 0xffff'], ['6bc0ff', 3, 'imul eax, eax, 0xffffffff'],
  ['6c', 1, 'ins byte ptr es:[edi], dx'], ['6d', 1, 'ins dword ptr es:[edi], dx'],
  ['666d', 2, 'ins word ptr es:[edi], dx'], ['6e', 1, 'outs dx, byte ptr ds:[esi]'],
  ['6f', 1, 'outs dx, dword ptr ds:[esi]'], ['f36c', 2, 'rep ins byte ptr es:[edi], dx'],
  ['7010', 2, 'jo 0x12'], ['7110', 2, 'jno 0x12'], ['7210', 2, 'jb 0x12'], ['7310', 2, 'jae 0x12'],
  ['7410', 2, 'je 0x12'], ['7510', 2, 'jne 0x12'], ['7610', 2, 'jbe 0x12'], ['7710', 2, 'ja 0x12'],
  ['7810', 2, 'js 0x12'], ['7910', 2, 'jns 0x12'], ['7a10', 2, 'jp 0x12'], ['7b10', 2, 'jnp 0x12'],
  ['7c10', 2, 'jl 0x12'], ['7d10', 2, 'jge 0x12'], ['7e10', 2, 'jle 0x12'], ['7ffe', 2, 'jg 0x0'],
  ['84c0', 2, 'test al, al'], ['85c0', 2, 'test eax, eax'], ['86c1', 2, 'xchg cl, al'],
  ['8708', 2, 'xchg dword ptr [eax], ecx'], ['88c8', 2, 'mov al, cl'], ['89e5', 2, 'mov ebp, esp'],
  ['8a4508', 3, 'mov al, byte ptr [ebp+0x8]'], ['8b442404', 4, 'mov eax, dword ptr [esp+0x4]'],
  ['8cd8', 2, 'mov eax, ds'], ['8c18', 2, 'mov word ptr [eax], ds'], ['668cd8', 3, 'mov ax, ds'],
  ['8ed8', 2, 'mov ds, eax'], ['8e00', 2, 'mov es, word ptr [eax]'], ['668ec0', 3, 'mov es, ax'],
  ['8d0424', 3, 'lea eax, [esp]'], ['8d4418fc', 4, 'lea eax, [eax+ebx*1-0x4]'],
  ['8d0c8500000000', 7, 'lea ecx, [eax*4+0x0]'], ['8d0401', 3, 'lea eax, [ecx+eax*1]'],
  ['8f00', 2, 'pop dword ptr [eax]'], ['8fc0', 2, 'pop eax'], ['90', 1, 'nop'], ['91', 1, 'xchg ecx, eax'],
  ['97', 1, 'xchg edi, eax'], ['98', 1, 'cwde'], ['99', 1, 'cdq'], ['6698', 2, 'cbw'], ['6699', 2, 'cwd'],
  ['9a785634120800', 7, 'call 0x8:0x12345678'], ['9b', 1, 'fwait'], ['9c', 1, 'pushfd'], ['9d', 1, 'popfd'],
  ['669c', 2, 'pushf'], ['9e', 1, 'sahf'], ['9f', 1, 'lahf'], ['a012000000', 5, 'mov al, ds:0x12'],
  ['a178563412', 5, 'mov eax, ds:0x12345678'], ['a212000000', 5, 'mov ds:0x12, al'],
  ['a378563412', 5, 'mov ds:0x12345678, eax'], ['64a100000000', 6, 'mov eax, fs:0x0'],
  ['67a13412', 4, 'mov eax, ds:0x1234'], ['a4', 1, 'movs byte ptr es:[edi], byte ptr ds:[esi]'],
  ['a5', 1, 'movs dword ptr es:[edi], dword ptr ds:[esi]'],
  ['66a5', 2, 'movs word ptr es:[edi], word ptr ds:[esi]'],
  ['a6', 1, 'cmps byte ptr ds:[esi], byte ptr es:[edi]'],
  ['a7', 1, 'cmps dword ptr ds:[esi], dword ptr es:[edi]'], ['aa', 1, 'stos byte ptr es:[edi], al'],
  ['ab', 1, 'stos dword ptr es:[edi], eax'], ['ac', 1, 'lods al, byte ptr ds:[esi]'],
  ['ad', 1, 'lods eax, dword ptr ds:[esi]'], ['ae', 1, 'scas al, byte ptr es:[edi]'],
  ['af', 1, 'scas eax, dword ptr es:[edi]'], ['f3a4', 2, 'rep movs byte ptr es:[edi], byte ptr ds:[esi]'],
  ['f3a6', 2, 'repz cmps byte ptr ds:[esi], byte ptr es:[edi]'],
  ['f2ae', 2, 'repnz scas al, byte ptr es:[edi]'], ['f3ab', 2, 'rep stos dword ptr es:[edi], eax'],
  ['26a5', 2, 'movs dword ptr es:[edi], dword ptr es:[esi]'],
  ['67a4', 2, 'movs byte ptr es:[di], byte ptr ds:[si]'], ['a805', 2, 'test al, 0x5'],
  ['a978563412', 5, 'test eax, 0x12345678'], ['b005', 2, 'mov al, 0x5'], ['b4ff', 2, 'mov ah, 0xff'],
  ['b878563412', 5, 'mov eax, 0x12345678'], ['bfffffffff', 5, 'mov edi, 0xffffffff'],
  ['66b83412', 4, 'mov ax, 0x1234'], ['c0e005', 3, 'shl al, 0x5'], ['c1f81f', 3, 'sar eax, 0x1f'],
  ['d0e0', 2, 'shl al, 1'], ['d1e8', 2, 'shr eax, 1'], ['d2e0', 2, 'shl al, cl'],
  ['d3f8', 2, 'sar eax, cl'], ['c1c003', 3, 'rol eax, 0x3'], ['d1d0', 2, 'rcl eax, 1'],
  ['d1d8', 2, 'rcr eax, 1'], ['d3c8', 2, 'ror eax, cl'], ['c20800', 3, 'ret 0x8'], ['c3', 1, 'ret'],
  ['c410', 2, 'les edx, fword ptr [eax]'], ['c510', 2, 'lds edx, fword ptr [eax]'],
  ['66c410', 3, 'les dx, dword ptr [eax]'], ['c60005', 3, 'mov byte ptr [eax], 0x5'],
  ['c70078563412', 6, 'mov dword ptr [eax], 0x12345678'], ['66c7003412', 5, 'mov word ptr [eax], 0x1234'],
  ['c6c005', 3, 'mov al, 0x5'], ['c8100001', 4, 'enter 0x10, 0x1'], ['c9', 1, 'leave'],
  ['ca0800', 3, 'retf 0x8'], ['cb', 1, 'retf'], ['cc', 1, 'int3'], ['cd80', 2, 'int 0x80'],
  ['ce', 1, 'into'], ['cf', 1, 'iretd'], ['66cf', 2, 'iret'], ['d7', 1, 'xlat byte ptr ds:[ebx]'],
  ['26d7', 2, 'xlat byte ptr es:[ebx]'], ['d800', 2, 'fadd dword ptr [eax]'], ['d8c1', 2, 'fadd st, st(1)'],
  ['d8d1', 2, 'fcom st(1)'], ['d9c9', 2, 'fxch st(1)'], ['d9e8', 2, 'fld1'],
  ['d938', 2, 'fnstcw word ptr [eax]'], ['d928', 2, 'fldcw word ptr [eax]'], ['d920', 2, 'fldenv [eax]'],
  ['da00', 2, 'fiadd dword ptr [eax]'], ['dac1', 2, 'fcmovb st, st(1)'], ['dae9', 2, 'fucompp'],
  ['db00', 2, 'fild dword ptr [eax]'], ['db28', 2, 'fld tbyte ptr [eax]'], ['dbe2', 2, 'fnclex'],
  ['dbe3', 2, 'fninit'], ['dbe8', 2, 'fucomi st, st(0)'], ['dbf1', 2, 'fcomi st, st(1)'],
  ['dc00', 2, 'fadd qword ptr [eax]'], ['dcc1', 2, 'fadd st(1), st'], ['dce9', 2, 'fsub st(1), st'],
  ['dd00', 2, 'fld qword ptr [eax]'], ['ddd8', 2, 'fstp st(0)'], ['dd38', 2, 'fnstsw word ptr [eax]'],
  ['dd30', 2, 'fnsave [eax]'], ['dec1', 2, 'faddp st(1), st'], ['def9', 2, 'fdivp st(1), st'],
  ['ded9', 2, 'fcompp'], ['df00', 2, 'fild word ptr [eax]'], ['df28', 2, 'fild qword ptr [eax]'],
  ['df38', 2, 'fistp qword ptr [eax]'], ['dfe0', 2, 'fnstsw ax'], ['dfe9', 2, 'fucomip st, st(1)'],
  ['dff1', 2, 'fcomip st, st(1)'], ['d9f0', 2, 'f2xm1'], ['d9ff', 2, 'fcos'], ['e0fe', 2, 'loopne 0x0'],
  ['e1fe', 2, 'loope 0x0'], ['e2fe', 2, 'loop 0x0'], ['e3fe', 2, 'jecxz 0x0'], ['67e3fd', 3, 'jcxz 0x0'],
  ['e480', 2, 'in al, 0x80'], ['e580', 2, 'in eax, 0x80'], ['e680', 2, 'out 0x80, al'],
  ['e780', 2, 'out 0x80, eax'], ['ec', 1, 'in al, dx'], ['ed', 1, 'in eax, dx'], ['ee', 1, 'out dx, al'],
  ['ef', 1, 'out dx, eax'], ['66ed', 2, 'in ax, dx'], ['e800000000', 5, 'call 0x5'],
  ['e9fbffffff', 5, 'jmp 0x0'], ['ea785634120800', 7, 'jmp 0x8:0x12345678'], ['ebfe', 2, 'jmp 0x0'],
  ['66e80000', 4, 'call 0x4'], ['66e9fdff', 4, 'jmp 0x1'], ['f1', 1, 'int1'], ['f4', 1, 'hlt'],
  ['f5', 1, 'cmc'], ['f6c305', 3, 'test bl, 0x5'], ['f6d0', 2, 'not al'], ['f6d8', 2, 'neg al'],
  ['f6e3', 2, 'mul bl'], ['f6eb', 2, 'imul bl'], ['f6f3', 2, 'div bl'], ['f6fb', 2, 'idiv bl'],
  ['f7c078563412', 6, 'test eax, 0x12345678'], ['f7d0', 2, 'not eax'], ['f7e3', 2, 'mul ebx'],
  ['f77d08', 3, 'idiv dword ptr [ebp+0x8]'], ['f8', 1, 'clc'], ['f9', 1, 'stc'], ['fa', 1, 'cli'],
  ['fb', 1, 'sti'], ['fc', 1, 'cld'], ['fd', 1, 'std'], ['fec0', 2, 'inc al'],
  ['fe08', 2, 'dec byte ptr [eax]'], ['ffc0', 2, 'inc eax'], ['ff08', 2, 'dec dword ptr [eax]'],
  ['ffd0', 2, 'call eax'], ['ff10', 2, 'call dword ptr [eax]'], ['ff18', 2, 'call fword ptr [eax]'],
  ['ffe0', 2, 'jmp eax'], ['ff20', 2, 'jmp dword ptr [eax]'], ['ff28', 2, 'jmp fword ptr [eax]'],
  ['ff30', 2, 'push dword ptr [eax]'], ['66ff18', 3, 'call dword ptr [eax]'],
  ['f0010a', 3, 'lock add dword ptr [edx], ecx'], ['f00fc10a', 4, 'lock xadd dword ptr [edx], ecx'],
  ['f00fc70f', 4, 'lock cmpxchg8b qword ptr [edi]'], ['f08708', 3, 'lock xchg dword ptr [eax], ecx'],
  ['f00fba2805', 5, 'lock bts dword ptr [eax], 0x5'], ['f0ff00', 3, 'lock inc dword ptr [eax]'],
  ['f0f618', 3, 'lock neg byte ptr [eax]'], ['f00fb10a', 4, 'lock cmpxchg dword ptr [edx], ecx'],
  ['2e8b00', 3, 'mov eax, dword ptr cs:[eax]'], ['368b00', 3, 'mov eax, dword ptr ss:[eax]'],
  ['3e8b00', 3, 'mov eax, dword ptr ds:[eax]'], ['268b00', 3, 'mov eax, dword ptr es:[eax]'],
  ['648b00', 3, 'mov eax, dword ptr fs:[eax]'], ['658b00', 3, 'mov eax, dword ptr gs:[eax]'],
  ['648b0500000000', 7, 'mov eax, dword ptr fs:0x0'], ['8b4500', 3, 'mov eax, dword ptr [ebp]'],
  ['8b0424', 3, 'mov eax, dword ptr [esp]'], ['8b4424fc', 4, 'mov eax, dword ptr [esp-0x4]'],
  ['8b4df0', 3, 'mov ecx, dword ptr [ebp-0x10]'], ['8b842400010000', 7, 'mov eax, dword ptr [esp+0x100]'],
  ['8b04b5f0ffffff', 7, 'mov eax, dword ptr [esi*4-0x10]'],
  ['8b040510000000', 7, 'mov eax, dword ptr [eax*1+0x10]'], ['8b0c18', 3, 'mov ecx, dword ptr [eax+ebx*1]'],
  ['0f00c0', 3, 'sldt eax'], ['0f0000', 3, 'sldt word ptr [eax]'], ['0f00c8', 3, 'str eax'],
  ['0f00d0', 3, 'lldt ax'], ['0f0018', 3, 'ltr word ptr [eax]'], ['0f0020', 3, 'verr word ptr [eax]'],
  ['0f0028', 3, 'verw word ptr [eax]'], ['0f0100', 3, 'sgdt [eax]'], ['0f0108', 3, 'sidt [eax]'],
  ['0f0110', 3, 'lgdt [eax]'], ['0f0118', 3, 'lidt [eax]'], ['0f01e0', 3, 'smsw eax'],
  ['0f0130', 3, 'lmsw word ptr [eax]'], ['0f01f0', 3, 'lmsw ax'], ['0f0138', 3, 'invlpg byte ptr [eax]'],
  ['0f02c1', 3, 'lar eax, ecx'], ['0f0308', 3, 'lsl ecx, word ptr [eax]'], ['0f06', 2, 'clts'],
  ['0f08', 2, 'invd'], ['0f09', 2, 'wbinvd'], ['0f0b', 2, 'ud2'], ['0f1f00', 3, 'nop dword ptr [eax]'],
  ['0f1f440000', 5, 'nop dword ptr [eax+eax*1]'], ['0f20c0', 3, 'mov eax, cr0'],
  ['0f20e0', 3, 'mov eax, cr4'], ['0f22d8', 3, 'mov cr3, eax'], ['0f21f8', 3, 'mov eax, dr7'],
  ['0f23c0', 3, 'mov dr0, eax'], ['0f30', 2, 'wrmsr'], ['0f31', 2, 'rdtsc'], ['0f32', 2, 'rdmsr'],
  ['0f33', 2, 'rdpmc'], ['0f34', 2, 'sysenter'], ['0f35', 2, 'sysexit'], ['0f40c1', 3, 'cmovo eax, ecx'],
  ['0f42c1', 3, 'cmovb eax, ecx'], ['0f44c1', 3, 'cmove eax, ecx'], ['0f47c1', 3, 'cmova eax, ecx'],
  ['0f4c08', 3, 'cmovl ecx, dword ptr [eax]'], ['0f4fc1', 3, 'cmovg eax, ecx'], ['0f90c0', 3, 'seto al'],
  ['0f9f00', 3, 'setg byte ptr [eax]'], ['0f9500', 3, 'setne byte ptr [eax]'],
  ['0f8000000000', 6, 'jo 0x6'], ['0f8410000000', 6, 'je 0x16'], ['0f85f0ffffff', 6, 'jne 0xfffffff6'],
  ['0f8e00010000', 6, 'jle 0x106'], ['0fa2', 2, 'cpuid'], ['0fa3c8', 3, 'bt eax, ecx'],
  ['0fa4c305', 4, 'shld ebx, eax, 0x5'], ['0fa5c3', 3, 'shld ebx, eax, cl'], ['0faa', 2, 'rsm'],
  ['0fab08', 3, 'bts dword ptr [eax], ecx'], ['0facd004', 4, 'shrd eax, edx, 0x4'],
  ['0fadd0', 3, 'shrd eax, edx, cl'], ['0fafc3', 3, 'imul eax, ebx'],
  ['0fb00a', 3, 'cmpxchg byte ptr [edx], cl'], ['0fb10a', 3, 'cmpxchg dword ptr [edx], ecx'],
  ['0fb200', 3, 'lss eax, fword ptr [eax]'], ['0fb3c8', 3, 'btr eax, ecx'],
  ['0fb400', 3, 'lfs eax, fword ptr [eax]'], ['0fb500', 3, 'lgs eax, fword ptr [eax]'],
  ['0fb6c0', 3, 'movzx eax, al'], ['0fb600', 3, 'movzx eax, byte ptr [eax]'],
  ['0fb7c0', 3, 'movzx eax, ax'], ['0fb900', 3, 'ud1 eax, dword ptr [eax]'], ['0fbae005', 4, 'bt eax, 0x5'],
  ['0fba381f', 4, 'btc dword ptr [eax], 0x1f'], ['0fbbc8', 3, 'btc eax, ecx'],
  ['0fbcc1', 3, 'bsf eax, ecx'], ['0fbdc1', 3, 'bsr eax, ecx'], ['0fbe00', 3, 'movsx eax, byte ptr [eax]'],
  ['0fbfc0', 3, 'movsx eax, ax'], ['0fc00a', 3, 'xadd byte ptr [edx], cl'], ['0fc1c8', 3, 'xadd eax, ecx'],
  ['0fc70f', 3, 'cmpxchg8b qword ptr [edi]'], ['0fc8', 2, 'bswap eax'], ['0fcf', 2, 'bswap edi'],
  ['0fffc0', 3, 'ud0 eax, eax'], ['660fb6c0', 4, 'movzx ax, al'], ['660fbec0', 4, 'movsx ax, al'],
  ['660fafc3', 4, 'imul ax, bx'], ['660f840000', 5, 'je 0x5'], ['f390', 2, 'pause'],
  ['2e66678b07', 5, 'mov ax, word ptr cs:[bx]'], ['f0662e0107', 5, 'lock add word ptr cs:[edi], ax'],
  ['66f3a5', 3, 'rep movs word ptr es:[edi], word ptr ds:[esi]'],
  ['6766f3ab', 4, 'rep stos word ptr es:[di], ax'],
  ['f3662e67a5', 5, 'rep movs word ptr es:[di], word ptr cs:[si]'],
];
const CASES_16: readonly Case[] = [
  ['8b07', 2, 'mov ax, word ptr [bx]'], ['8b00', 2, 'mov ax, word ptr [bx+si]'],
  ['8b01', 2, 'mov ax, word ptr [bx+di]'], ['8b02', 2, 'mov ax, word ptr [bp+si]'],
  ['8b03', 2, 'mov ax, word ptr [bp+di]'], ['8b04', 2, 'mov ax, word ptr [si]'],
  ['8b05', 2, 'mov ax, word ptr [di]'], ['8b063412', 4, 'mov ax, word ptr ds:0x1234'],
  ['8b4610', 3, 'mov ax, word ptr [bp+0x10]'], ['8b47f0', 3, 'mov ax, word ptr [bx-0x10]'],
  ['8b873412', 4, 'mov ax, word ptr [bx+0x1234]'], ['8b860080', 4, 'mov ax, word ptr [bp-0x8000]'],
  ['a13412', 3, 'mov ax, ds:0x1234'], ['678b07', 3, 'mov ax, word ptr [edi]'],
  ['668b07', 3, 'mov eax, dword ptr [bx]'], ['67668b442404', 6, 'mov eax, dword ptr [esp+0x4]'],
  ['e80000', 3, 'call 0x3'], ['e9fdff', 3, 'jmp 0x0'], ['ebfe', 2, 'jmp 0x0'], ['74fe', 2, 'je 0x0'],
  ['0f84fcff', 4, 'je 0x0'], ['66e800000000', 6, 'call 0x6'], ['ea78563412', 5, 'jmp 0x1234:0x5678'],
  ['9a78563412', 5, 'call 0x1234:0x5678'], ['ff1f', 2, 'call dword ptr [bx]'],
  ['66ff2f', 3, 'jmp fword ptr [bx]'], ['c3', 1, 'ret'], ['cb', 1, 'retf'], ['cf', 1, 'iret'],
  ['66cf', 2, 'iretd'], ['60', 1, 'pusha'], ['6660', 2, 'pushad'], ['9c', 1, 'pushf'], ['669d', 2, 'popfd'],
  ['98', 1, 'cbw'], ['6698', 2, 'cwde'], ['99', 1, 'cwd'], ['6699', 2, 'cdq'], ['6aff', 2, 'push 0xffff'],
  ['666aff', 3, 'push 0xffffffff'], ['683412', 3, 'push 0x1234'],
  ['a5', 1, 'movs word ptr es:[di], word ptr ds:[si]'],
  ['66a5', 2, 'movs dword ptr es:[di], dword ptr ds:[si]'],
  ['67a5', 2, 'movs word ptr es:[edi], word ptr ds:[esi]'],
  ['f3a4', 2, 'rep movs byte ptr es:[di], byte ptr ds:[si]'], ['e3fe', 2, 'jcxz 0x0'],
  ['67e3fd', 3, 'jecxz 0x0'], ['c8080000', 4, 'enter 0x8, 0x0'], ['0f01163412', 5, 'lgdt ds:0x1234'],
  ['0f20c0', 3, 'mov eax, cr0'], ['0f22c0', 3, 'mov cr0, eax'], ['8ed0', 2, 'mov ss, ax'],
  ['8cc8', 2, 'mov ax, cs'], ['c41e007c', 4, 'les bx, dword ptr ds:0x7c00'],
  ['d9360010', 4, 'fnstenv ds:0x1000'], ['cd10', 2, 'int 0x10'], ['e460', 2, 'in al, 0x60'],
  ['ef', 1, 'out dx, ax'], ['d7', 1, 'xlat byte ptr ds:[bx]'], ['83c4fe', 3, 'add sp, 0xfffe'],
  ['81c33412', 4, 'add bx, 0x1234'], ['6bc0ff', 3, 'imul ax, ax, 0xffff'], ['0fb6c0', 3, 'movzx ax, al'],
  ['0fbae003', 4, 'bt ax, 0x3'], ['0fc70c', 3, 'cmpxchg8b qword ptr [si]'],
  ['368b07', 3, 'mov ax, word ptr ss:[bx]'], ['268b4600', 4, 'mov ax, word ptr es:[bp]'],
  ['06', 1, 'push es'], ['661f', 2, 'pop ds'], ['0fa0', 2, 'push fs'],
];

/** Invalid encodings: [bytes, length consumed, mnemonic]. */
const INVALID: readonly Case[] = [
  ['d6', 1, '#ud'], ['0f10c0', 2, '#ud'], ['0f6fc0', 2, '#ud'], ['0f3800', 2, '#ud'], ['0f3a0000', 2, '#ud'],
  ['0f05', 2, '#ud'], ['0f0d00', 2, '#ud'], ['0fae00', 2, '#ud'], ['0fa6', 2, '#ud'], ['0fd0c0', 2, '#ud'],
  ['8dc0', 2, '#ud'], ['c4c0', 2, '#ud'], ['c5c0', 2, '#ud'], ['62c0', 2, '#ud'], ['0fb2c0', 3, '#ud'],
  ['0f01c0', 3, '#ud'], ['0f01f8', 3, '#ud'], ['0fc7c8', 3, '#ud'], ['0fc700', 3, '#ud'],
  ['ffe8', 2, '#ud'], ['ffd8', 2, '#ud'], ['fff8', 2, '#ud'], ['fe10', 2, '#ud'], ['8f08', 2, '#ud'],
  ['c60805', 2, '#ud'], ['0fba0005', 3, '#ud'], ['0f0030', 3, '#ud'], ['0f0128', 3, '#ud'],
  ['8ec8', 2, '#ud'], ['8cf0', 2, '#ud'], ['8e38', 2, '#ud'], ['0f20c8', 3, '#ud'], ['0f22e8', 3, '#ud'],
  ['0f24c0', 2, '#ud'], ['d9d8', 2, '#ud'], ['d908', 2, '#ud'], ['dd28', 2, '#ud'], ['dfc0', 2, '#ud'],
  ['f001c0', 3, '#ud'], ['f090', 2, '#ud'], ['f00300', 3, '#ud'], ['f03900', 3, '#ud'], ['f0850000', 3, '#ud'],
  ['f00fa300', 4, '#ud'], ['f00fba2005', 4, '#ud'], ['f0d800', 3, '#ud'], ['f040', 2, '#ud'], ['f0a4', 2, '#ud'],
  ['f00fc7c8', 4, '#ud'], ['f0f600', 3, '#ud'],
  ['2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e90', 15, '#gp'], ['66666666666666666666666681000102030405', 15, '#gp'],
];

function bytesOf(hex: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
  return out;
}

/** Decodes from a byte array; fetching past its end fails the test. */
function dec(bytes: readonly number[], code32 = true, eip = 0): Insn {
  return decode((o) => {
    if (o < 0 || o >= bytes.length) throw new Error(`fetch(${o}) past the end of ${bytes.length} bytes`);
    return bytes[o]!;
  }, eip, code32);
}

/** xorshift32: a deterministic PRNG for the fuzz tests. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

const PREFIXES = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3];

/** 16 random bytes, prefix-heavy now and then, sometimes with a 0F escape. */
function randomBytes(rnd: () => number): number[] {
  const b: number[] = [];
  const nPrefix = rnd() % 4 === 0 ? rnd() % 5 : 0;
  for (let i = 0; i < nPrefix; i++) b.push(PREFIXES[rnd() % PREFIXES.length]!);
  if (rnd() % 3 === 0) b.push(0x0f);
  while (b.length < 16) b.push(rnd() & 0xff);
  return b;
}

describe('decode + disassemble: objdump-derived table', () => {
  for (const [mode, cases] of [[32, CASES_32], [16, CASES_16]] as const) {
    it(`${cases.length} encodings in ${mode}-bit code`, () => {
      for (const [hex, len, text] of cases) {
        const insn = dec(bytesOf(hex), mode === 32);
        expect({ hex, length: insn.length, text: disassemble(insn) }).toEqual({ hex, length: len, text });
      }
    });
  }

  it('invalid encodings: #ud with the bytes read so far, #gp past 15 bytes', () => {
    for (const [hex, len, mnemonic] of INVALID) {
      const insn = dec(bytesOf(hex));
      expect({ hex, length: insn.length, mnemonic: insn.mnemonic }).toEqual({ hex, length: len, mnemonic });
    }
  });
});

describe('decoded fields', () => {
  it('32-bit SIB, segment defaults and overrides', () => {
    expect(dec(bytesOf('8344b31005')).operands).toEqual([
      { kind: 'mem', size: 4, seg: 3, base: 3, index: 6, scale: 2, disp: 0x10, addrSize: 32 },
      { kind: 'imm', size: 4, value: 5 },
    ]);
    // ESP and EBP bases default to SS; an index of EBP does not.
    expect(dec(bytesOf('8b4424fc')).operands[1]).toMatchObject({ seg: 2, base: 4, index: NONE, disp: -4 });
    expect(dec(bytesOf('8b4500')).operands[1]).toMatchObject({ seg: 2, base: 5, disp: 0 });
    expect(dec(bytesOf('8b042d78563412')).operands[1])
      .toMatchObject({ seg: 3, base: NONE, index: 5, scale: 0, disp: 0x12345678 });
    expect(dec(bytesOf('8b0425f0ffffff')).operands[1]).toMatchObject({ base: NONE, index: NONE, disp: -16 });
    const fs = dec(bytesOf('26648b4500'));
    expect(fs.segOverride).toBe(4);
    expect(fs.operands[1]).toMatchObject({ seg: 4, base: 5 });
  });

  it('16-bit addressing: [bp+si] uses SS, disp16 alone uses DS', () => {
    expect(dec(bytesOf('8b42f0'), false).operands[1])
      .toEqual({ kind: 'mem', size: 2, seg: 2, base: 5, index: 6, scale: 0, disp: -16, addrSize: 16 });
    expect(dec(bytesOf('8b06f0ff'), false).operands[1]).toMatchObject({ seg: 3, base: NONE, disp: -16 });
    expect(dec(bytesOf('678b07'), false)).toMatchObject({ addrSize: 32, opSize: 16, length: 3 });
  });

  it('immediates: sign extension, sizes, far pointers, moffs', () => {
    expect(dec(bytesOf('6a80')).operands).toEqual([{ kind: 'imm', size: 4, value: 0xffffff80 }]);
    expect(dec(bytesOf('666a80')).operands).toEqual([{ kind: 'imm', size: 2, value: 0xff80 }]);
    expect(dec(bytesOf('80c080')).operands[1]).toEqual({ kind: 'imm', size: 1, value: 0x80 });
    expect(dec(bytesOf('c8100001')).operands).toEqual([
      { kind: 'imm', size: 2, value: 0x10 }, { kind: 'imm', size: 1, value: 1 }]);
    expect(dec(bytesOf('ea785634120800')).operands).toEqual([{ kind: 'far', selector: 8, offset: 0x12345678 }]);
    expect(dec(bytesOf('66ea78563412')).operands).toEqual([{ kind: 'far', selector: 0x1234, offset: 0x5678 }]);
    expect(dec(bytesOf('67a0ffff'))).toMatchObject({ length: 4, operands: [{}, { base: NONE, disp: -1, addrSize: 16 }] });
  });

  it('branch targets are absolute and truncated to the operand size', () => {
    expect(dec(bytesOf('ebfe'), true, 0x1000).operands).toEqual([{ kind: 'rel', target: 0x1000 }]);
    expect(dec(bytesOf('e800000080'), true, 0x90000000).operands).toEqual([{ kind: 'rel', target: 0x10000005 }]);
    expect(dec(bytesOf('66e9fdff'), true, 0x12345).operands).toEqual([{ kind: 'rel', target: 0x2346 }]);
    expect(dec(bytesOf('7402'), false, 0xfffe).operands).toEqual([{ kind: 'rel', target: 0x0002 }]);
    const jcc = dec(bytesOf('0f8ffaffffff'), true, 0x100);
    expect(jcc).toMatchObject({ mnemonic: 'jcc', cond: 15, opcode: 0x0f8f, length: 6 });
    expect(jcc.operands).toEqual([{ kind: 'rel', target: 0x100 }]);
  });

  it('names, groups, conditions, prefixes', () => {
    expect(dec(bytesOf('f7d8'))).toMatchObject({ mnemonic: 'neg', opcode: 0xf7, ext: 3, cond: -1 });
    expect(dec(bytesOf('0f9cc0'))).toMatchObject({ mnemonic: 'setcc', cond: 12, ext: 0 });
    expect(dec(bytesOf('f2ae'))).toMatchObject({ mnemonic: 'scas', rep: 0xf2, ext: -1 });
    expect(dec(bytesOf('f2f3a4'))).toMatchObject({ mnemonic: 'movs', rep: 0xf3 });
    expect(dec(bytesOf('f3a4'))).toMatchObject({ mnemonic: 'movs', rep: 0xf3 });
    expect(dec(bytesOf('f00fc70f'))).toMatchObject({ mnemonic: 'cmpxchg8b', lock: true, operands: [{ size: 8 }] });
    expect(dec(bytesOf('dac1'))).toMatchObject({ mnemonic: 'fcmovb', cond: 2, modrm: 0xc1, operands: [] });
    expect(dec(bytesOf('66d930'))).toMatchObject({ mnemonic: 'fnstenv', operands: [{ size: 14 }] });
    expect(dec(bytesOf('0f22d8'))).toMatchObject({ operands: [{ kind: 'creg', reg: 3 }, { kind: 'reg', reg: 0, size: 4 }] });
    expect(dec(bytesOf('9a785634120800'))).toMatchObject({ mnemonic: 'callf' });
    expect(dec(bytesOf('cb'))).toMatchObject({ mnemonic: 'retf' });
    expect(dec(bytesOf('f390'))).toMatchObject({ mnemonic: 'pause' });
  });
});

describe('prefixes', () => {
  function permutations<T>(xs: readonly T[]): T[][] {
    if (xs.length <= 1) return [xs.slice()];
    const out: T[][] = [];
    xs.forEach((x, i) => {
      for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([x, ...rest]);
    });
    return out;
  }

  const sets: readonly [readonly number[], string, string][] = [
    [[0x66, 0x67, 0xf3, 0x2e], '01873412', 'add word ptr cs:[bx+0x1234], ax'],
    [[0x66, 0x67, 0xf3, 0x64], 'a5', 'rep movs word ptr es:[di], word ptr fs:[si]'],
    [[0xf0, 0x66, 0x65, 0x67], '0107', 'lock add word ptr gs:[bx], ax'],
  ];
  for (const [prefixes, body, text] of sets) {
    it(`every order of ${prefixes.map((p) => p.toString(16)).join(' ')} before ${body}`, () => {
      const perms = permutations(prefixes);
      expect(perms.length).toBe(24);
      const ref = dec([...perms[0]!, ...bytesOf(body)]);
      expect(disassemble(ref)).toBe(text);
      expect(ref.length).toBe(prefixes.length + body.length / 2);
      for (const p of perms) expect(dec([...p, ...bytesOf(body)])).toEqual(ref);
    });
  }

  it('repeated prefixes count once; the last segment override wins', () => {
    expect(disassemble(dec(bytesOf('6666668b00')))).toBe('mov ax, word ptr [eax]');
    expect(disassemble(dec(bytesOf('2636648b00')))).toBe('mov eax, dword ptr fs:[eax]');
    expect(disassemble(dec(bytesOf('64362e8b00')))).toBe('mov eax, dword ptr cs:[eax]');
    expect(dec(bytesOf('676767e3fe'))).toMatchObject({ addrSize: 16, length: 5 });
  });

  it('16-bit code: 66 and 67 select 32-bit sizes', () => {
    expect(disassemble(dec(bytesOf('66678b442404'), false))).toBe('mov eax, dword ptr [esp+0x4]');
    expect(dec(bytesOf('6666a5'), false)).toMatchObject({ opSize: 32, addrSize: 16 });
  });
});

describe('robustness', () => {
  it('200k random byte strings decode to length 1..15 or #ud/#gp, never throwing', () => {
    const rnd = prng(0x5eed1234);
    const counts = { valid: 0, ud: 0, gp: 0 };
    for (let n = 0; n < 200_000; n++) {
      const bytes = randomBytes(rnd);
      const code32 = (n & 1) === 0;
      const insn = dec(bytes, code32, rnd());
      if (insn.mnemonic === '#gp') {
        counts.gp++;
        expect(insn.length).toBe(15);
      } else {
        if (insn.mnemonic === '#ud') counts.ud++;
        else counts.valid++;
        if (insn.length < 1 || insn.length > 15) throw new Error(`length ${insn.length} for ${bytes}`);
      }
      disassemble(insn);
      flagEffects(insn);
    }
    expect(counts.valid).toBeGreaterThan(150_000);
    expect(counts.ud).toBeGreaterThan(0);
  });

  it('over-long prefix runs are #gp after 15 bytes', () => {
    expect(dec(new Array<number>(20).fill(0x66))).toMatchObject({ mnemonic: '#gp', length: 15 });
    expect(dec([...new Array<number>(10).fill(0x2e), 0x81, 0x00, 1, 2, 3, 4])).toMatchObject({ mnemonic: '#gp', length: 15 });
    expect(dec([...new Array<number>(9).fill(0x2e), 0x81, 0x00, 1, 2, 3, 4])).toMatchObject({ mnemonic: 'add', length: 15 });
  });

  it('fetches each byte once, in order, never beyond the instruction', () => {
    const rnd = prng(77);
    for (let n = 0; n < 50_000; n++) {
      const bytes = randomBytes(rnd);
      const seen: number[] = [];
      const insn = decode((o) => { seen.push(o); return bytes[o]!; }, 0, (n & 1) === 0);
      expect(seen.length).toBe(insn.length);
      for (let i = 0; i < seen.length; i++) if (seen[i] !== i) throw new Error(`fetch order ${seen}`);
    }
  });

  it('an exception from fetch propagates (a page fault)', () => {
    class PageFault extends Error { }
    const fault = new PageFault('#PF');
    expect(() => decode((o) => { if (o === 2) throw fault; return [0x8b, 0x80][o]!; }, 0, true)).toThrow(fault);
  });
});

describe('opcode table', () => {
  it('flag effects', () => {
    expect(flagEffects(dec(bytesOf('01c8')))).toEqual({ read: 0, written: FLAGS_OSZAPC, undefined: 0 });
    expect(flagEffects(dec(bytesOf('11c8'))).read).toBe(FLAG_CF);
    expect(flagEffects(dec(bytesOf('21c8')))).toEqual({ read: 0, written: FLAGS_OSZAPC & ~FLAG_AF, undefined: FLAG_AF });
    expect(flagEffects(dec(bytesOf('40'))).written).toBe(FLAGS_OSZAPC & ~FLAG_CF);
    expect(flagEffects(dec(bytesOf('7e00'))).read).toBe(FLAG_ZF | FLAG_SF | FLAG_OF);
    expect(flagEffects(dec(bytesOf('0f47c1'))).read).toBe(FLAG_CF | FLAG_ZF);
    expect(flagEffects(dec(bytesOf('0f9ac0'))).read).toBe(FLAG_PF);
    expect(flagEffects(dec(bytesOf('d1d0')))).toEqual({ read: FLAG_CF, written: FLAG_CF | FLAG_OF, undefined: 0 });
    expect(flagEffects(dec(bytesOf('f7e3')))).toEqual({ read: 0, written: FLAG_OF | FLAG_CF, undefined: FLAGS_OSZAPC & ~(FLAG_OF | FLAG_CF) });
    expect(flagEffects(dec(bytesOf('f7f3')))).toEqual({ read: 0, written: 0, undefined: FLAGS_OSZAPC });
    expect(flagEffects(dec(bytesOf('0fbcc1')))).toEqual({ read: 0, written: FLAG_ZF, undefined: FLAGS_OSZAPC & ~FLAG_ZF });
    expect(flagEffects(dec(bytesOf('a6')))).toEqual({ read: FLAG_DF, written: FLAGS_OSZAPC, undefined: 0 });
    expect(flagEffects(dec(bytesOf('fa'))).written).toBe(FLAG_IF);
    expect(flagEffects(dec(bytesOf('dbf1'))).written).toBe(FLAGS_OSZAPC);
    expect(flagEffects(dec(bytesOf('dad9'))).read).toBe(FLAG_PF);
    expect(flagEffects(dec(bytesOf('27')))).toEqual({ read: FLAG_AF | FLAG_CF, written: FLAGS_OSZAPC & ~FLAG_OF, undefined: FLAG_OF });
    expect(flagEffects(dec(bytesOf('89c8')))).toEqual({ read: 0, written: 0, undefined: 0 });
    expect(flagEffects(dec(bytesOf('d6')))).toEqual({ read: 0, written: 0, undefined: 0 });
    expect(flagEffects(dec(bytesOf('f0010a'))).written & FLAG_SF).toBe(FLAG_SF);
  });

  it('attributes', () => {
    const attrs = (hex: string, code32 = true): number => lookupEntry(dec(bytesOf(hex), code32))!.attrs;
    expect(attrs('0108') & A_LOCK).toBe(A_LOCK);
    expect(attrs('0308') & A_LOCK).toBe(0);
    expect(attrs('e9fbffffff') & (A_BRANCH | A_END)).toBe(A_BRANCH | A_END);
    expect(attrs('f4') & (A_PRIV | A_END)).toBe(A_PRIV | A_END);
    expect(attrs('0f22d8') & A_PRIV).toBe(A_PRIV);
    expect(attrs('90')).toBe(0);
  });
});

function hasObjdump(): boolean {
  const r = spawnSync('objdump', ['--version'], { encoding: 'utf8' });
  return r.status === 0 && /GNU objdump/.test(r.stdout ?? '');
}
const OBJDUMP = hasObjdump();

describe('cross-check against objdump', () => {
  if (!OBJDUMP) console.warn('decoder.test: objdump (GNU binutils) not found; skipping the objdump cross-check');
  const title = OBJDUMP ? 'instruction lengths agree with objdump'
    : 'instruction lengths agree with objdump (SKIPPED: objdump not found in PATH)';

  /**
   * Lays the candidates out with 15 NOPs after each (so a disagreement cannot
   * shift the following ones), disassembles the lot once and compares each
   * length objdump reports at a candidate's offset, except where objdump says
   * (bad) or prints a byte. Returns the number compared.
   */
  function crossCheck(candidates: readonly number[][], code32: boolean): number {
    const layout: number[] = [];
    const offsets: [number, number[]][] = [];
    for (const bytes of candidates) {
      const insn = dec(bytes, code32, layout.length);
      if (insn.mnemonic[0] === '#') continue;
      // objdump folds fwait into a following fnstcw & co.
      if (insn.mnemonic === 'fwait') continue;
      const b = bytes.slice(0, insn.length);
      offsets.push([layout.length, b]);
      layout.push(...b);
      for (let i = 0; i < 15; i++) layout.push(0x90);
    }
    const dir = mkdtempSync(join(tmpdir(), 'rewind86-objdump-'));
    try {
      const file = join(dir, 'code.bin');
      writeFileSync(file, Uint8Array.from(layout));
      const r = spawnSync('objdump', ['-D', '-b', 'binary', code32 ? '-mi386' : '-mi8086', '-Mintel',
        '--insn-width=16', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`objdump failed: ${r.stderr}`);
      const seen = new Map<number, { length: number; text: string }>();
      for (const line of r.stdout.split('\n')) {
        const m = /^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t?(.*)$/.exec(line);
        if (m) seen.set(parseInt(m[1]!, 16), { length: m[2]!.trim().split(' ').length, text: m[3]! });
      }
      let compared = 0;
      const mismatches: string[] = [];
      for (const [off, b] of offsets) {
        const o = seen.get(off);
        const hex = b.map((x) => x.toString(16).padStart(2, '0')).join(' ');
        if (o === undefined) { mismatches.push(`${hex}: objdump has no instruction here`); continue; }
        if (/\(bad\)|\.byte/.test(o.text)) continue;
        compared++;
        if (o.length !== b.length) {
          mismatches.push(`${hex}: ours ${b.length} (${disassemble(dec(b, code32))}), objdump ${o.length} (${o.text})`);
        }
      }
      expect(mismatches.slice(0, 20)).toEqual([]);
      return compared;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.skipIf(!OBJDUMP)(title, () => {
    for (const code32 of [true, false]) {
      const rnd = prng(code32 ? 2024 : 1986);
      const random: number[][] = [];
      for (let n = 0; n < 30_000; n++) random.push(randomBytes(rnd));
      expect(crossCheck(random, code32)).toBeGreaterThan(15_000);
      // Every opcode byte (and 0F opcode) with every ModRM byte.
      const all: number[][] = [];
      for (let n = 0; n < 0x20000; n++) {
        const head = n < 0x10000 ? [n >> 8, n & 0xff] : [0x0f, (n >> 8) & 0xff, n & 0xff];
        if (PREFIXES.includes(head[0]!) || head[0] === 0x9b) continue;
        const b = [...head];
        while (b.length < 16) b.push(rnd() & 0xff);
        all.push(b);
      }
      expect(crossCheck(all, code32)).toBeGreaterThan(80_000);
    }
  });
});
