/* The check bookkeeping of the system test guests (privilege, debug):
 * one check is begin(); want_*(); end(), printed as one line
 *   PASS name: key=value ...        (every key matched; its value printed)
 *   FAIL name: expected key=... got key=...   (the keys that did not)
 * and finish() prints "<guest>: N passed, M failed". A guest using it lists
 * check.c in its LIB_SOURCES file (see build.sh). */
#ifndef CHECK_H
#define CHECK_H

#include "rt.h"

#define NO_VEC 0xffffffffu

void begin(const char *name);
void want_x(const char *key, u32 want, u32 got);        /* key=0x... */
void want_u(const char *key, u32 want, u32 got);        /* key=decimal */
/* key=sym when got is the address `want` (sym+0x.. / sym-0x.. when within a page of it, none when 0) */
void want_sym(const char *key, const char *sym, u32 want, u32 got);
void want_vec(u32 want, u32 got);                       /* vec=6 or vec=none (NO_VEC) */
/* Expects no address (0); one that was recorded prints relative to base_sym at base. */
void want_no_addr(const char *key, const char *base_sym, u32 base, u32 got);
void end(void);
int finish(const char *guest);                          /* prints the summary, returns the failure count */

#endif
