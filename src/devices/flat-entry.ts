// The state both kernel loaders enter a kernel in: flat 32-bit protected
// mode, paging off, interrupts off, with a real GDT at 0x500 behind the
// selectors (0x10 code, 0x18 data: the Linux boot protocol's __BOOT_CS and
// __BOOT_DS, and what rewind86's multiboot entry has always used).
import { S, Seg } from '../frontend-x86/index.js';
import { type Cpu } from '../runtime/index.js';

const GDT_ADDR = 0x500;

export function enterFlatProtectedMode(cpu: Cpu, entry: number, idtLimit: number): void {
  const mem = cpu.mem, s = cpu.s;
  const gdt = [0, 0, 0, 0, 0x0000ffff, 0x00cf9b00, 0x0000ffff, 0x00cf9300];
  gdt.forEach((v, i) => mem.write32(GDT_ADDR + i * 4, v));
  s[S.GDTR_BASE] = GDT_ADDR;
  s[S.GDTR_LIMIT] = gdt.length * 4 - 1;
  s[S.IDTR_BASE] = 0;
  s[S.IDTR_LIMIT] = idtLimit;
  s[S.CR0] = 0x11; // PE, ET
  cpu.setCpl(0);
  cpu.setSegCache(Seg.CS, 0x10, 0, -1, 0xc09b);
  for (const seg of [Seg.ES, Seg.SS, Seg.DS, Seg.FS, Seg.GS]) cpu.setSegCache(seg, 0x18, 0, -1, 0xc093);
  cpu.setEflags(0x2);
  s[S.EIP] = entry;
  cpu.updatePaging();
  cpu.updateMode();
}
