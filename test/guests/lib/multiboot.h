/* Multiboot v1 definitions and small x86 helpers for guests built with
 * rt-multiboot.c (never included by the Linux build). */
#ifndef REWIND86_MULTIBOOT_H
#define REWIND86_MULTIBOOT_H
#include "rt.h"

#define MB_BOOTLOADER_MAGIC 0x2BADB002u

/* The multiboot information structure (Multiboot Specification 0.6.96, 3.3);
 * only the fields up to the memory map are described here. */
struct mb_info {
    u32 flags;
    u32 mem_lower;          /* KiB, valid if flags bit 0 */
    u32 mem_upper;          /* KiB, valid if flags bit 0 */
    u32 boot_device;        /* flags bit 1 */
    u32 cmdline;            /* physical address of a C string, flags bit 2 */
    u32 mods_count;         /* flags bit 3 */
    u32 mods_addr;
    u32 syms[4];            /* flags bit 4 or 5 */
    u32 mmap_length;        /* flags bit 6 */
    u32 mmap_addr;
};

#define MB_INFO_MEMORY  (1u << 0)
#define MB_INFO_MODS    (1u << 3)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MMAP    (1u << 6)

/* Set by crt0.S from EAX and EBX at entry. */
extern u32 rt_mb_magic, rt_mb_info;

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u16 inw(u16 port) { u16 v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 inl(u16 port) { u32 v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

#endif
