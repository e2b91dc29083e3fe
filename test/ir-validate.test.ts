// Tests of the IR validator (src/tcg-ir/validate.ts): a valid block passes,
// and each structural rule is caught with a message that names the op.
import { describe, it, expect } from 'vitest';
import {
  IrBuilder, Op, Cond, HelperFlags, MemOp, validateBlock, readsBeforeWrite,
  type HelperDecl, type IrInsn,
} from '../src/tcg-ir/index.js';

function setup() {
  const b = new IrBuilder();
  const r = { eax: b.global(0, 'eax'), ecx: b.global(1, 'ecx'), edx: b.global(2, 'edx'), ebx: b.global(3, 'ebx') };
  return { b, r };
}

/** Appends a hand-made op (for shapes the builder cannot produce). */
function raw(b: IrBuilder, op: Op, out: number, args: number[], aux = 0, out2 = -1, helper: HelperDecl | null = null): IrInsn {
  const insn: IrInsn = { op, out, out2, args, cond: Cond.Eq, aux, helper };
  b.block.ops.push(insn);
  return insn;
}

const FAULTS: HelperDecl = { name: 'faults', flags: HelperFlags.CanFault };
const NOFAULT: HelperDecl = { name: 'nofault', flags: HelperFlags.ReadsState | HelperFlags.WritesState | HelperFlags.SideEffects };

describe('validateBlock', () => {
  it('accepts a well-formed block with every kind of op', () => {
    const { b, r } = setup();
    b.insnStart(0x1000, 0);
    const v = b.ld(MemOp.U32, r.ebx);
    const t = b.addi(v, 1);
    b.st(MemOp.U32, r.ebx, t);
    b.mov(r.eax, t); // after the last faultable op of the insn
    b.insnStart(0x1003, 1);
    const [lo, hi] = b.mul2(true, r.eax, r.ecx);
    b.shli(lo, 31, r.edx);
    b.rotl(hi, b.const(0), r.ecx);
    const l = b.newLabel();
    b.brcond(Cond.Ltu, r.eax, b.const(5), l);
    b.movcond(Cond.Gt, r.eax, r.ecx, lo, hi, r.ebx);
    b.br(l);
    b.label(l);
    b.insnStart(0x1006, 2);
    b.call(FAULTS, [r.eax], true);
    b.exit(-1, 3);
    expect(validateBlock(b.block)).toEqual([]);
  });

  describe('branches', () => {
    it('catches a backward branch (br and brcond)', () => {
      for (const cond of [false, true]) {
        const { b, r } = setup();
        b.insnStart(0x1000, 0);
        const l = b.newLabel();
        b.label(l);
        b.addi(r.eax, 1, r.eax);
        if (cond) b.brcond(Cond.Ne, r.eax, b.const(0), l); else b.br(l);
        b.exit(0x1002, 1);
        const p = validateBlock(b.block);
        expect(p).toHaveLength(1);
        expect(p[0]).toMatch(/^op 3: backward branch to L0/);
      }
    });

    it('catches a branch to an undefined label', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      const l = b.newLabel();
      b.brcond(Cond.Eq, r.eax, r.ecx, l);
      b.br(7);
      b.exit(0x1002, 1);
      expect(validateBlock(b.block)).toEqual([
        'op 1: branch to undefined label L0',
        'op 2: branch to undefined label L7',
      ]);
    });

    it('catches a label defined twice', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      const l = b.newLabel();
      b.brcond(Cond.Eq, r.eax, r.ecx, l);
      b.label(l);
      b.label(l);
      b.exit(0x1002, 1);
      expect(validateBlock(b.block).join('\n')).toMatch(/op 3: label L0 defined twice/);
    });

    it('accepts several forward branches to the same label', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      const l = b.newLabel();
      b.brcond(Cond.Eq, r.eax, r.ecx, l);
      b.brcond(Cond.Lt, r.eax, r.ecx, l);
      b.br(l);
      b.label(l);
      b.exit(0x1002, 1);
      expect(validateBlock(b.block)).toEqual([]);
    });
  });

  describe('arity', () => {
    const cases: Array<[string, Op, number, number]> = [
      // [name, op, wrong argument count, right count]
      ['mov', Op.Mov, 2, 1],
      ['add', Op.Add, 1, 2],
      ['sub', Op.Sub, 3, 2],
      ['rotr', Op.Rotr, 1, 2],
      ['neg', Op.Neg, 2, 1],
      ['ext16u', Op.Ext16u, 0, 1],
      ['setcond', Op.Setcond, 3, 2],
      ['movcond', Op.Movcond, 3, 4],
      ['ld', Op.Ld, 2, 1],
    ];
    for (const [name, op, wrong, right] of cases) {
      it(`catches ${name} with ${wrong} args`, () => {
        const { b, r } = setup();
        b.insnStart(0x1000, 0);
        const args = [r.eax, r.ecx, r.edx, r.ebx];
        raw(b, op, b.local(), args.slice(0, wrong), op === Op.Ld ? MemOp.U32 : 0);
        b.exit(0x1002, 1);
        expect(validateBlock(b.block)).toEqual([`op 1: expected ${right} args, got ${wrong}`]);
      });
    }

    it('catches mulu2/muls2, st, brcond, insn_start, label, br and exit with the wrong count', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      const l = b.newLabel();
      raw(b, Op.Mulu2, b.local(), [r.eax], 0, b.local()); // 1
      raw(b, Op.Muls2, b.local(), [r.eax, r.ecx, r.edx], 0, b.local()); // 2
      raw(b, Op.St, -1, [r.eax], MemOp.U8); // 3
      raw(b, Op.Brcond, -1, [r.eax], l); // 4
      raw(b, Op.InsnStart, -1, [], 1); // 5
      raw(b, Op.Br, -1, [r.eax], l); // 6
      raw(b, Op.Label, -1, [r.eax], l); // 7
      b.block.exits.push({ target: -1, retired: 1 });
      raw(b, Op.Exit, -1, [r.eax], 0); // 8
      expect(validateBlock(b.block)).toEqual([
        'op 1: expected 2 args, got 1',
        'op 2: expected 2 args, got 3',
        'op 3: expected 2 args, got 1',
        'op 4: expected 2 args, got 1',
        'op 5: expected 1 args, got 0',
        'op 6: expected 0 args, got 1',
        'op 7: expected 0 args, got 1',
        'op 8: expected 0 args, got 1',
      ]);
    });

    it('lets calls take any number of arguments', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      b.call(NOFAULT, [], false);
      b.call(NOFAULT, [r.eax, r.ecx, r.edx, r.ebx, r.eax], true);
      b.exit(0x1002, 1);
      expect(validateBlock(b.block)).toEqual([]);
    });
  });

  describe('temps', () => {
    it('catches a write to a constant (out and out2)', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      b.add(r.eax, r.ecx, b.const(5));
      b.mov(b.const(0), r.eax);
      raw(b, Op.Mulu2, b.local(), [r.eax, r.ecx], 0, b.const(9));
      b.ld(MemOp.U8, r.ebx, b.const(1));
      b.exit(0x1002, 1);
      expect(validateBlock(b.block)).toEqual([
        'op 1: writes a constant temp',
        'op 2: writes a constant temp',
        'op 3: writes a constant temp',
        'op 4: writes a constant temp',
      ]);
    });

    it('catches references to temps that do not exist', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      raw(b, Op.Add, b.local(), [r.eax, 99]);
      raw(b, Op.Add, 123, [r.eax, r.ecx]);
      raw(b, Op.Mov, b.local(), [-2]);
      b.exit(0x1002, 1);
      expect(validateBlock(b.block)).toEqual([
        'op 1: bad temp 99',
        'op 2: bad output temp 123',
        'op 3: bad temp -2',
      ]);
    });

    it('catches an exit number that has no exit declaration', () => {
      const { b } = setup();
      b.insnStart(0x1000, 0);
      b.exit(0x1002, 1);
      raw(b, Op.Exit, -1, [], 5);
      expect(validateBlock(b.block)).toEqual(['op 2: bad exit 5']);
    });
  });

  describe('shift counts', () => {
    const shifts: Array<[string, Op]> = [['shl', Op.Shl], ['shr', Op.Shr], ['sar', Op.Sar], ['rotl', Op.Rotl], ['rotr', Op.Rotr]];
    for (const [name, op] of shifts) {
      it(`catches a constant ${name} count outside 0..31 and accepts 0..31`, () => {
        for (const count of [-1, 32, 33, -2147483648, 255]) {
          const { b, r } = setup();
          b.insnStart(0x1000, 0);
          b.binop(op, r.eax, b.const(count), r.ecx);
          b.exit(0x1002, 1);
          expect(validateBlock(b.block), `${name} ${count}`).toEqual([`op 1: constant shift count ${count} outside 0..31`]);
        }
        for (let count = 0; count < 32; count++) {
          const { b, r } = setup();
          b.insnStart(0x1000, 0);
          b.binop(op, r.eax, b.const(count), r.ecx);
          b.exit(0x1002, 1);
          expect(validateBlock(b.block), `${name} ${count}`).toEqual([]);
        }
      });
    }

    it('does not check a count held in a temp, nor a constant shifted value', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      b.shl(r.eax, r.ecx, r.edx);
      b.shl(b.const(99), r.ecx, r.edx);
      b.add(r.eax, b.const(99), r.edx); // not a shift
      b.exit(0x1002, 1);
      expect(validateBlock(b.block)).toEqual([]);
    });
  });

  describe('final exit', () => {
    it('catches an empty block', () => {
      expect(validateBlock(new IrBuilder().block)).toEqual(['block does not end with exit']);
    });

    it('catches a block that ends with something other than exit', () => {
      const ends: Array<(b: IrBuilder, r: ReturnType<typeof setup>['r']) => void> = [
        (b, r) => { b.mov(r.eax, r.ecx); },
        (b, r) => { b.st(MemOp.U32, r.eax, r.ecx); },
        (b) => { const l = b.newLabel(); b.br(l); b.label(l); },
        (b) => { b.insnStart(0x1002, 1); },
        (b) => { b.call(FAULTS, [], false); },
      ];
      for (const end of ends) {
        const { b, r } = setup();
        b.insnStart(0x1000, 0);
        end(b, r);
        expect(validateBlock(b.block)).toContain('block does not end with exit');
      }
    });

    it('accepts exits in the middle as long as the block ends with one', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      const l = b.newLabel();
      b.brcond(Cond.Eq, r.eax, r.ecx, l);
      b.exit(0x2000, 1);
      b.label(l);
      b.exit(0x1002, 1);
      expect(validateBlock(b.block)).toEqual([]);
    });
  });

  describe('precise exceptions', () => {
    const faulting: Array<[string, (b: IrBuilder, r: ReturnType<typeof setup>['r']) => void]> = [
      ['ld', (b, r) => { b.ld(MemOp.U8, r.ebx); }],
      ['st', (b, r) => { b.st(MemOp.U16, r.ebx, r.ecx); }],
      ['CanFault call', (b, r) => { b.call(FAULTS, [r.ebx], false); }],
    ];
    for (const [what, fault] of faulting) {
      it(`catches a global written before a later ${what} in the same instruction`, () => {
        const { b, r } = setup();
        b.insnStart(0x1000, 0);
        b.insnStart(0x1001, 1);
        b.addi(r.eax, 1, r.eax);
        const t = b.addi(r.ecx, 1); // locals are fine
        b.mov(r.edx, t);
        fault(b, r);
        b.exit(0x1002, 2);
        expect(validateBlock(b.block)).toEqual([`op 5: may fault after this instruction wrote edx`]);
      });

      it(`accepts a global written in an earlier instruction before the ${what}`, () => {
        const { b, r } = setup();
        b.insnStart(0x1000, 0);
        b.addi(r.eax, 1, r.eax);
        b.insnStart(0x1001, 1);
        fault(b, r);
        b.addi(r.eax, 1, r.eax); // after the faultable op: fine
        b.exit(0x1002, 2);
        expect(validateBlock(b.block)).toEqual([]);
      });

      it(`accepts locals written before the ${what}`, () => {
        const { b, r } = setup();
        b.insnStart(0x1000, 0);
        const t = b.addi(r.eax, 1);
        b.mul2(false, t, r.ecx);
        fault(b, r);
        b.mov(r.eax, t);
        b.exit(0x1002, 1);
        expect(validateBlock(b.block)).toEqual([]);
      });
    }

    it('catches a global written as the high half of mul2 before a load', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      raw(b, Op.Mulu2, b.local(), [r.eax, r.ecx], 0, r.edx);
      b.ld(MemOp.U32, r.ebx);
      b.exit(0x1002, 1);
      expect(validateBlock(b.block)).toEqual(['op 2: may fault after this instruction wrote edx']);
    });

    it('lets a load write its own global destination, but not before a second faultable op', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      b.ld(MemOp.U32, r.ebx, r.eax); // the write happens after the access
      b.exit(0x1002, 1);
      expect(validateBlock(b.block)).toEqual([]);

      const s = setup();
      s.b.insnStart(0x1000, 0);
      s.b.ld(MemOp.U32, s.r.ebx, s.r.eax);
      s.b.st(MemOp.U32, s.r.ebx, s.r.ecx);
      s.b.exit(0x1002, 1);
      expect(validateBlock(s.b.block)).toEqual(['op 2: may fault after this instruction wrote eax']);
    });

    it('does not count helpers that cannot fault', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      b.addi(r.eax, 1, r.eax);
      b.call(NOFAULT, [r.eax], true);
      b.exit(0x1002, 1);
      expect(validateBlock(b.block)).toEqual([]);
    });

    it('reports every faultable op after the write', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      b.addi(r.eax, 1, r.eax);
      b.ld(MemOp.U8, r.ebx);
      b.st(MemOp.U8, r.ebx, r.ecx);
      b.exit(0x1002, 1);
      expect(validateBlock(b.block)).toEqual([
        'op 2: may fault after this instruction wrote eax',
        'op 3: may fault after this instruction wrote eax',
      ]);
    });
  });
  describe('readsBeforeWrite (locals written before read)', () => {
    // if (eax < 5) { t = 1 } [else { t = 2 }]; ebx = t
    function ifElse(withElse: boolean) {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      const t = b.local();
      const skip = b.newLabel(), join = b.newLabel();
      b.brcond(Cond.Geu, r.eax, b.const(5), skip);
      b.mov(t, b.const(1));
      b.br(join);
      b.label(skip);
      if (withElse) b.mov(t, b.const(2));
      b.label(join);
      b.mov(r.ebx, t);
      b.exit(0x1002, 1);
      return { b, t };
    }

    it('accepts a local written on both paths into a join', () => {
      expect(readsBeforeWrite(ifElse(true).b.block)).toEqual([]);
    });

    it('catches a local written on one path only, and one never written', () => {
      const { b, t } = ifElse(false);
      expect(readsBeforeWrite(b.block)).toEqual([`op 6: reads t${t} before every path has written it`]);
      // A rule of valid IR (the backends rely on it).
      expect(validateBlock(b.block)).toEqual([`op 6: reads t${t} before every path has written it`]);
      const { b: b2, r } = setup();
      b2.insnStart(0x1000, 0);
      const u = b2.local();
      b2.add(u, r.eax, r.ecx);
      b2.exit(0x1002, 1);
      expect(readsBeforeWrite(b2.block)).toEqual([`op 1: reads t${u} before every path has written it`]);
    });

    it('ignores code no path reaches', () => {
      const { b, r } = setup();
      b.insnStart(0x1000, 0);
      b.exit(0x1002, 1);
      const dead = b.newLabel();
      b.label(dead); // nothing branches here
      b.add(b.local(), r.eax, r.ecx);
      b.exit(0x1004, 1);
      expect(readsBeforeWrite(b.block)).toEqual([]);
    });
  });
});
