/* The cases of the exceptions guest, grouped by theme. Each one: begin()
 * with the expected vector, error code and saved EIP; trig_<name>() (in
 * triggers.S); extra expect()s; end(). */
#include "rt.h"
#include "exceptions.h"

void run_divide_and_traps(void)
{
    begin("#DE", "div by zero", FAULT, 0, NOERR, at_de_div);
    trig_de_div();
    expect(last.eax == 1 && last.edx == 0 && last.ecx == 0, "registers changed");
    end();

    begin("#DE", "idiv 0x80000000 / -1", FAULT, 0, NOERR, at_de_idiv);
    trig_de_idiv();
    expect(last.eax == 0x80000000u && last.edx == 0xffffffffu, "registers changed");
    end();

    begin("#DE", "div quotient overflow", FAULT, 0, NOERR, at_de_div_ovf);
    trig_de_div_ovf();
    end();

    begin("#DE", "idiv8 -32768 / -1", FAULT, 0, NOERR, at_de_idiv8);
    trig_de_idiv8();
    expect((last.eax & 0xffff) == 0x8000, "AX changed");
    end();

    begin("#DE", "aam 0", FAULT, 0, NOERR, at_de_aam0);
    trig_de_aam0();
    end();

    begin("#BP", "int3", TRAP, 3, NOERR, after_bp_int3);
    trig_bp_int3();
    expect(after_bp_int3 - at_bp_int3 == 1, "int3 is not one byte");
    end();

    begin("#BP", "int 3 (cd 03)", TRAP, 3, NOERR, after_bp_int_3);
    trig_bp_int_3();
    end();

    begin("#OF", "into with OF=1", TRAP, 4, NOERR, after_of_into);
    trig_of_into();
    expect((last.eflags & EFLAGS_OF) != 0, "saved EFLAGS.OF clear");
    end();

    begin("#OF", "into with OF=0 (no exception)", NONE, -1, NOERR, 0);
    trig_of_into_clear();
    end();

    begin("#BR", "bound above upper", FAULT, 5, NOERR, at_br_above);
    trig_br_above();
    end();

    begin("#BR", "bound below lower", FAULT, 5, NOERR, at_br_below);
    trig_br_below();
    end();

    begin("#BR", "bound == upper (no exception)", NONE, -1, NOERR, 0);
    trig_br_inside();
    end();

    begin("#UD", "ud2", FAULT, 6, NOERR, at_ud_ud2);
    trig_ud_ud2();
    end();

    begin("#UD", "lock nop", FAULT, 6, NOERR, at_ud_lock_nop);
    trig_ud_lock_nop();
    end();

    begin("#UD", "lock add reg,reg", FAULT, 6, NOERR, at_ud_lock_reg);
    trig_ud_lock_reg();
    end();
}

void run_segment_loads(void)
{
    begin("#NP", "mov ds, not-present 0x18", FAULT, 11, 0x18, at_np_ds);
    trig_np_ds();
    end();

    begin("#NP", "mov gs, not-present 0x18", FAULT, 11, 0x18, at_np_gs);
    trig_np_gs();
    end();

    begin("#GP", "mov ds, 0x1b (RPL before P)", FAULT, 13, 0x18, at_gp_ds_rpl_np);
    trig_gp_ds_rpl_np();
    end();

    begin("#GP", "mov ds, 0x13 (RPL 3 > DPL 0)", FAULT, 13, 0x10, at_gp_ds_rpl);
    trig_gp_ds_rpl();
    end();

    begin("#SS", "mov ss, not-present 0x18", FAULT, 12, 0x18, at_ss_np);
    trig_ss_np();
    end();

    begin("#GP", "mov ss, code 0x08", FAULT, 13, 0x08, at_gp_ss_code);
    trig_gp_ss_code();
    end();

    begin("#GP", "mov ss, read-only data 0x40", FAULT, 13, 0x40, at_gp_ss_ro);
    trig_gp_ss_ro();
    end();

    begin("#GP", "mov ss, null", FAULT, 13, 0, at_gp_ss_null);
    trig_gp_ss_null();
    end();

    begin("#GP", "mov ss, 0x13 (RPL != CPL)", FAULT, 13, 0x10, at_gp_ss_rpl);
    trig_gp_ss_rpl();
    end();

    begin("#GP", "mov ds, 0x48 beyond GDT limit", FAULT, 13, 0x48, at_gp_ds_gdt_limit);
    trig_gp_ds_gdt_limit();
    end();

    begin("#GP", "mov ds, 0x103 beyond GDT limit", FAULT, 13, 0x100, at_gp_ds_gdt_limit_rpl);
    trig_gp_ds_gdt_limit_rpl();
    end();

    begin("#GP", "mov ds, execute-only code 0x28", FAULT, 13, 0x28, at_gp_ds_exec_only);
    trig_gp_ds_exec_only();
    end();

    probe_copy = 0;
    begin("ok", "mov ds, readable code 0x08 and read", NONE, -1, NOERR, 0);
    trig_ok_ds_code_readable();
    expect(probe_copy == probe, "read through DS=0x08 went wrong");
    end();

    begin("ok", "mov ds, null", NONE, -1, NOERR, 0);
    trig_ok_ds_null();
    end();

    begin("#GP", "mov ds, 0x0c with null LDT", FAULT, 13, 0x0c, at_gp_ldt_null);
    trig_gp_ldt_null();
    end();
}

void run_data_access_checks(void)
{
    begin("#GP", "read past DS limit", FAULT, 13, 0, at_gp_ds_limit);
    limit_class();
    trig_gp_ds_limit();
    end();

    begin("ok", "read last dword inside DS limit", NONE, -1, NOERR, 0);
    trig_ok_ds_limit_edge();
    end();

    begin("#GP", "dword straddling DS limit", FAULT, 13, 0, at_gp_ds_limit_straddle);
    limit_class();
    trig_gp_ds_limit_straddle();
    end();

    probe_ro = 0x600dda7a;
    begin("#GP", "write via read-only DS", FAULT, 13, 0, at_gp_ds_readonly_write);
    limit_class();
    trig_gp_ds_readonly_write();
    if (exc_count)
        expect(probe_ro == 0x600dda7a, "memory was written");
    end();

    begin("#GP", "read via null DS", FAULT, 13, 0, at_gp_ds_null_access);
    limit_class();
    trig_gp_ds_null_access();
    end();

    begin("#SS", "read past SS limit", FAULT, 12, 0, at_ss_limit);
    limit_class();
    trig_ss_limit();
    end();
}

void run_far_jumps_and_gates(void)
{
    begin("#GP", "ljmp past CS limit", FAULT, 13, 0, at_gp_ljmp_limit);
    trig_gp_ljmp_limit();
    end();

    begin("#GP", "ljmp to data segment 0x10", FAULT, 13, 0x10, at_gp_ljmp_data);
    trig_gp_ljmp_data();
    end();

    begin("#GP", "int 0x80 beyond IDT limit", FAULT, 13, 0x80 * 8 + 2, at_gp_int_idt_limit);
    trig_gp_int_idt_limit();
    end();

    begin("#NP", "int 0x42, gate not present", FAULT, 11, 0x42 * 8 + 2, at_np_int_gate);
    trig_np_int_gate();
    end();

    begin("#GP", "int 0x43, reserved gate type", FAULT, 13, 0x43 * 8 + 2, at_gp_int_bad_gate);
    trig_gp_int_bad_gate();
    end();

    begin("int", "int 0x40 via interrupt gate", TRAP, 0x40, NOERR, after_int_gate);
    trig_int_gate();
    expect(last.eax == 0x12345678, "EAX not seen by handler");
    expect((last.eflags & EFLAGS_IF) != 0, "saved IF clear");
    expect((last_handler_eflags & EFLAGS_IF) == 0, "IF set in handler");
    expect((eflags_after & EFLAGS_IF) != 0, "IF not restored by iret");
    end();

    begin("int", "int 0x41 via trap gate", TRAP, 0x41, NOERR, after_trap_gate);
    trig_trap_gate();
    expect(last.eax == 0x12345678, "EAX not seen by handler");
    expect((last.eflags & EFLAGS_IF) != 0, "saved IF clear");
    expect((last_handler_eflags & EFLAGS_IF) != 0, "IF clear in handler");
    expect((eflags_after & EFLAGS_IF) != 0, "IF not restored by iret");
    end();
}

void run_page_faults(void)
{
    u8 *p0 = pf_pages[0], *p1 = pf_pages[1];
    u32 *d = (u32 *)(p1 - 8);

    for (int i = 0; i < 4096; i++)
        p0[i] = 0;
    paging_on();

    begin("#PF", "read not-present page", FAULT, 14, 0x0, at_pf_read_np);
    trig_pf_read_np();
    expect(last_cr2 == (u32)p1, "wrong CR2");
    end();

    begin("#PF", "write not-present page", FAULT, 14, 0x2, at_pf_write_np);
    trig_pf_write_np();
    expect(last_cr2 == (u32)p1 + 4, "wrong CR2");
    end();

    begin("#PF", "write read-only page, CR0.WP=1", FAULT, 14, 0x3, at_pf_write_ro);
    trig_pf_write_ro();
    expect(last_cr2 == (u32)pf_pages[2], "wrong CR2");
    end();

    begin("#PF", "read dword straddling pages", FAULT, 14, 0x0, at_pf_read_straddle);
    trig_pf_read_straddle();
    expect(last_cr2 == (u32)p1, "wrong CR2");
    end();

    p0[4094] = 0x11;
    p0[4095] = 0x22;
    begin("#PF", "write dword straddling pages", FAULT, 14, 0x2, at_pf_write_straddle);
    trig_pf_write_straddle();
    expect(last_cr2 == (u32)p1, "wrong CR2");
    expect(p0[4094] == 0x11 && p0[4095] == 0x22, "partial write reached the first page");
    end();

    d[0] = d[1] = 0;
    begin("#PF", "rep movsd into not-present page", FAULT, 14, 0x2, at_pf_rep_movsd);
    trig_pf_rep_movsd();
    expect(last_cr2 == (u32)p1, "wrong CR2");
    expect(last.ecx == 6, "ECX does not show 2 dwords done");
    expect(last.esi == (u32)&pf_src[2], "wrong ESI");
    expect(last.edi == (u32)p1, "wrong EDI");
    expect(d[0] == pf_src[0] && d[1] == pf_src[1], "first 2 dwords not copied");
    end();

    begin("#PF", "instruction fetch from not-present page", FAULT, 14, 0x0, p1);
    trig_pf_fetch();
    expect(last_cr2 == (u32)p1, "wrong CR2");
    end();

    paging_off();
}
