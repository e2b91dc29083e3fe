// Paging: 32-bit (SDM vol. 3, 4.3: two levels, 4 KiB pages and, with
// CR4.PSE, 4 MiB pages) and PAE (4.4: a 4-entry page-directory-pointer
// table, then two levels of 64-bit entries, 4 KiB and 2 MiB pages);
// accessed and dirty bits; U/S and R/W checks with CR0.WP; CR2 and the
// page-fault error code (RSVD for reserved bits set). A walk says whether
// its page is global (CR4.PGE and G): a CR3 load keeps global pages' TLB
// entries (Memory.mappingChanged) and the links between blocks that lead
// into them (runtime/cross-links.ts). Deviations, both harmless for a guest that
// follows the SDM: PAE's PDPTEs are read from memory at each walk instead of
// being cached at the CR3 load, and physical addresses stay below 4 GiB (an
// entry with an address bit above 31, or the XD bit, which this CPU lacks,
// is a reserved-bit fault).
import { S } from '../frontend-x86/index.js';
import { Fault, VEC } from './fault.js';

export const enum Access { Read = 0, Write = 1, Fetch = 2 }

const P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100, RSVD = 8;
const CR0_WP = 1 << 16, CR4_PSE = 1 << 4, CR4_PAE = 1 << 5, CR4_PGE = 1 << 7;
/** PDPTE bits that must be 0 (SDM vol. 3, table 4-8): 1, 2, 5-8. */
const PDPTE_RESERVED = 0x1e6;
/** 4 MiB page: bits 13-21 must be 0 (no PSE-36: physical addresses have 32 bits; SDM vol. 3, table 4-5). */
const LARGE_32_RESERVED = 0x3fe000;
/** 2 MiB page: bits 13-20 of the low dword must be 0. */
const LARGE_PAE_RESERVED = 0x1fe000;

export interface PhysicalAccess {
  read32(phys: number): number;
  write32(phys: number, v: number): void;
}

export class PageWalker {
  /** Set by walk(): whether the page may be written at the privilege the walk was made for (and is dirty already). */
  writable = false;
  /** Set by walk(): false for an implicit supervisor access at CPL 3, whose permissions must not enter the TLB. */
  cacheable = true;
  /** Set by walk(): the page is global (G set in its last-level entry, with CR4.PGE): a CR3 load need not drop it. */
  global = false;
  /** Set by walk(): the translation came from a 4 MiB or 2 MiB page (INVLPG of any address in it drops all of it). */
  large = false;

  constructor(private readonly s: Int32Array, private readonly phys: PhysicalAccess) {}

  /** Translates a linear address or throws #PF (insn: instruction number for the fault). */
  walk(linear: number, access: Access, insn: number): number {
    this.cacheable = this.s[S.SYSACC] === 0 || this.s[S.CPL] !== 3;
    return this.s[S.CR4] & CR4_PAE ? this.walkPae(linear, access, insn) : this.walk32(linear, access, insn);
  }

  private walk32(linear: number, access: Access, insn: number): number {
    const s = this.s;
    const user = s[S.CPL] === 3 && s[S.SYSACC] === 0;
    const write = access === Access.Write;
    const pdeAddr = (s[S.CR3] & ~0xfff) + ((linear >>> 22) << 2);
    let pde = this.phys.read32(pdeAddr);
    if (!(pde & P)) throw this.fault(linear, 0, write, user, insn);
    const wp = (s[S.CR0] & CR0_WP) !== 0;
    if ((pde & PS) && (s[S.CR4] & CR4_PSE)) {
      if (pde & LARGE_32_RESERVED) throw this.fault(linear, P | RSVD, write, user, insn);
      this.check(linear, pde, write, user, wp, insn);
      const want = pde | A | (write ? D : 0);
      if (want !== pde) this.phys.write32(pdeAddr, (pde = want));
      this.writable = (pde & D) !== 0 && this.allowsWrite(pde, user, wp);
      this.global = (pde & G) !== 0 && (s[S.CR4] & CR4_PGE) !== 0;
      this.large = true;
      return ((pde & 0xffc00000) | (linear & 0x3fffff)) >>> 0;
    }
    const pteAddr = (pde & ~0xfff) + (((linear >>> 12) & 0x3ff) << 2);
    let pte = this.phys.read32(pteAddr);
    if (!(pte & P)) throw this.fault(linear, 0, write, user, insn);
    const both = pde & pte | ~(RW | US);
    this.check(linear, both, write, user, wp, insn);
    if (!(pde & A)) this.phys.write32(pdeAddr, (pde |= A));
    const want = pte | A | (write ? D : 0);
    if (want !== pte) this.phys.write32(pteAddr, (pte = want));
    this.writable = (pte & D) !== 0 && this.allowsWrite(both, user, wp);
    this.global = (pte & G) !== 0 && (s[S.CR4] & CR4_PGE) !== 0;
    this.large = false;
    return ((pte & ~0xfff) | (linear & 0xfff)) >>> 0;
  }

  private walkPae(linear: number, access: Access, insn: number): number {
    const s = this.s;
    const user = s[S.CPL] === 3 && s[S.SYSACC] === 0;
    const write = access === Access.Write;
    const wp = (s[S.CR0] & CR0_WP) !== 0;
    const pdpteAddr = ((s[S.CR3] & ~0x1f) + ((linear >>> 30) << 3)) >>> 0;
    const pdpte = this.phys.read32(pdpteAddr);
    if (!(pdpte & P)) throw this.fault(linear, 0, write, user, insn);
    if ((pdpte & PDPTE_RESERVED) || this.phys.read32(pdpteAddr + 4) !== 0) throw this.fault(linear, P | RSVD, write, user, insn);
    const pdeAddr = ((pdpte & ~0xfff) + (((linear >>> 21) & 0x1ff) << 3)) >>> 0;
    let pde = this.phys.read32(pdeAddr);
    if (!(pde & P)) throw this.fault(linear, 0, write, user, insn);
    if (this.phys.read32(pdeAddr + 4) !== 0) throw this.fault(linear, P | RSVD, write, user, insn);
    if (pde & PS) {
      if (pde & LARGE_PAE_RESERVED) throw this.fault(linear, P | RSVD, write, user, insn);
      this.check(linear, pde, write, user, wp, insn);
      const want = pde | A | (write ? D : 0);
      if (want !== pde) this.phys.write32(pdeAddr, (pde = want));
      this.writable = (pde & D) !== 0 && this.allowsWrite(pde, user, wp);
      this.global = (pde & G) !== 0 && (s[S.CR4] & CR4_PGE) !== 0;
      this.large = true;
      return ((pde & 0xffe00000) | (linear & 0x1fffff)) >>> 0;
    }
    const pteAddr = ((pde & ~0xfff) + (((linear >>> 12) & 0x1ff) << 3)) >>> 0;
    let pte = this.phys.read32(pteAddr);
    if (!(pte & P)) throw this.fault(linear, 0, write, user, insn);
    if (this.phys.read32(pteAddr + 4) !== 0) throw this.fault(linear, P | RSVD, write, user, insn);
    const both = pde & pte | ~(RW | US);
    this.check(linear, both, write, user, wp, insn);
    if (!(pde & A)) this.phys.write32(pdeAddr, (pde |= A));
    const want = pte | A | (write ? D : 0);
    if (want !== pte) this.phys.write32(pteAddr, (pte = want));
    this.writable = (pte & D) !== 0 && this.allowsWrite(both, user, wp);
    this.global = (pte & G) !== 0 && (s[S.CR4] & CR4_PGE) !== 0;
    this.large = false;
    return ((pte & ~0xfff) | (linear & 0xfff)) >>> 0;
  }

  private allowsWrite(bits: number, user: boolean, wp: boolean): boolean {
    if (user) return (bits & RW) !== 0 && (bits & US) !== 0;
    return (bits & RW) !== 0 || !wp;
  }

  private check(linear: number, bits: number, write: boolean, user: boolean, wp: boolean, insn: number): void {
    if (user && !(bits & US)) throw this.fault(linear, P, write, user, insn);
    if (write && !this.allowsWrite(bits, user, wp)) throw this.fault(linear, P, write, user, insn);
  }

  private fault(linear: number, present: number, write: boolean, user: boolean, insn: number): Fault {
    this.s[S.CR2] = linear;
    return new Fault(VEC.PF, present | (write ? 2 : 0) | (user ? 4 : 0), insn);
  }
}
