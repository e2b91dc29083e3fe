/* Segment and gate descriptors, and the operand of lgdt/lidt, as the system
 * test guests build their tables (Intel SDM vol. 3A 3.4.5 segment
 * descriptors, 5.8.3 call gates, 6.11 IDT descriptors). */
#ifndef DESC_H
#define DESC_H

#include "rt.h"

/* base, a 20-bit limit, the access byte (P, DPL, S, type) and the flags nibble (G, D/B, L, AVL) */
static inline u64 seg_desc(u32 base, u32 limit, u8 access, u8 flags)
{
    return (u64)(limit & 0xffff) | ((u64)(base & 0xffffff) << 16) | ((u64)access << 40) |
           ((u64)((limit >> 16) & 0xf) << 48) | ((u64)(flags & 0xf) << 52) | ((u64)(base >> 24) << 56);
}

/* a gate: offset, selector, type and attributes, and for a call gate the count of stack parameters */
static inline u64 gate_desc_n(u32 offset, u16 sel, u8 type_attr, u8 count)
{
    return (u64)(offset & 0xffff) | ((u64)sel << 16) | ((u64)(count & 0x1f) << 32) | ((u64)type_attr << 40) |
           ((u64)(offset >> 16) << 48);
}

/* an interrupt, trap or task gate */
static inline u64 gate_desc(u32 offset, u16 sel, u8 type_attr) { return gate_desc_n(offset, sel, type_attr, 0); }

struct __attribute__((packed)) dtr { u16 limit; u32 base; };

#endif
