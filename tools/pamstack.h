/*
 * pamstack.[ch]: read the PAM stacks (/etc/pam.d, following @include,
 * include and substack) and say where pam_ambcaps stands in them wrongly:
 * for "ambcaps check".
 */
#ifndef AMBCAPS_PAMSTACK_H
#define AMBCAPS_PAMSTACK_H

#include <stddef.h>

/* Told of each problem: WHERE is "file:line", MSG one sentence with the fix. */
typedef void (*pamstack_warn_fn)(void *ctx, const char *where, const char *msg);

/*
 * Check every service in DIRS (NULL-terminated, first wins for a service
 * name, as libpam looks them up) that runs pam_ambcaps. Returns the number
 * of services that run it.
 */
size_t pamstack_check(const char *const *dirs, pamstack_warn_fn warn, void *ctx);

#endif
