/* Shared types of pam_ambcaps: capability masks and error messages. */
#ifndef AMBCAPS_COMMON_H
#define AMBCAPS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One bit per capability number; the kernel defines fewer than 64. */
typedef uint64_t capmask_t;
#define CAPMASK_BITS 64u
#define CAPMASK_BIT(n) ((capmask_t)1 << (n))

/* What went wrong, for the PAM code (pam_ambcaps.c maps kinds to codes in one place). */
enum amb_error_kind {
	AMB_ERR_REFUSED = 0, /* the input is unusable: a configuration, an option, a lookup */
	AMB_ERR_NOMEM,       /* out of memory */
};

/* A human-readable error: "file:line: reason" or "file: reason", and its kind. */
struct amb_error {
	enum amb_error_kind kind;
	char msg[768];
};

/*
 * A byte never written into a message as it is: anything but printable
 * ASCII. Control characters (C0, DEL) would split or forge lines; bytes
 * of 0x80 and above may be C1 controls (CSI), a bidirectional override in
 * UTF-8, or no character at all.
 */
static inline bool amb_unsafe_byte(char c)
{
	return (unsigned char)c < 0x20 || (unsigned char)c > 0x7e;
}

/* Replace each unsafe byte of S with '?': one message or name stays one plain line. */
void amb_scrub(char *s);

/* Set ERR (may be NULL) to the message, of kind AMB_ERR_REFUSED; control characters become '?'. */
void amb_error_set(struct amb_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set ERR (may be NULL) to "WHAT: out of memory" ("out of memory" without WHAT), AMB_ERR_NOMEM. */
void amb_error_nomem(struct amb_error *err, const char *what);

#endif
