/* The check bookkeeping of the system test guests (privilege, debug,
 * segments, paging): one check is begin(); want_*(); end(), printed as one line
 *   PASS name: key=value ...        (every key matched; its value printed)
 *   FAIL name: expected key=... got key=...   (the keys that did not)
 *   SKIP name: reason               (see check_skip)
 * and finish() prints "<guest>: N passed, M failed[, K skipped]". A guest
 * using it lists check.c in its LIB_SOURCES file (see build.sh). */
#ifndef CHECK_H
#define CHECK_H

#include "rt.h"

#define NO_VEC 0xffffffffu

void begin(const char *name);
void name_str(const char *s);                           /* appends s to the check's name */
void name_hex(u32 v);                                   /* appends 0x.. to the check's name */
void want_x(const char *key, u32 want, u32 got);        /* key=0x... */
void want_u(const char *key, u32 want, u32 got);        /* key=decimal */
/* key=sym when got is the address `want` (sym+0x.. / sym-0x.. when within a page of it, none when 0) */
void want_sym(const char *key, const char *sym, u32 want, u32 got);
void want_vec(u32 want, u32 got);                       /* vec=6 or vec=none (NO_VEC) */
void want_err(u32 want, u32 got);                       /* err=0x.. or err=none (NO_VEC) */
void want_b(const char *key, int want, int got);        /* key=yes/no */
/* Expects no address (0); one that was recorded prints relative to base_sym at base. */
void want_no_addr(const char *key, const char *base_sym, u32 base, u32 got);
/* An address shown as sym+0x.. (base = the address of sym). */
void want_off(const char *key, const char *sym, u32 base, u32 want, u32 got);
/* Marks the current check as one that may be skipped (see check_skip). */
void skippable(void);
void end(void);
int finish(const char *guest);                          /* prints the summary, returns the failure count */

/* Set by a guest whose failing skippable checks may be skipped: returns the
 * reason (printed in the SKIP line), or 0 for a real failure. With it set,
 * finish() also counts the skipped checks. */
extern const char *(*check_skip)(void);

#endif
