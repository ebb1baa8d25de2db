/*
 * importcap.[ch]: convert libcap's capability.conf (pam_cap: first match
 * wins, "^cap" = inheritable + ambient, plain = inheritable only, "!cap" =
 * bounding drop, @group, *, all, none) into an ambcaps.conf with the same
 * ambient result for every user NSS can enumerate, and verify it.
 */
#ifndef AMBCAPS_IMPORTCAP_H
#define AMBCAPS_IMPORTCAP_H

#include <stdio.h>

/*
 * Read IN (named NAME in messages), write the ambcaps.conf to OUT, and to
 * DIAG every entry without an equivalent and every group that had to be
 * expanded. 0 when the result matches pam_cap's for every enumerated user,
 * -1 otherwise (DIAG says for whom).
 */
int importcap_convert(FILE *in, const char *name, FILE *out, FILE *diag);

#endif
