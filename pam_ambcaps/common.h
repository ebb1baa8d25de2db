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

/* A human-readable error: "file:line: reason" or "file: reason". */
struct amb_error {
	char msg[768];
};

void amb_error_set(struct amb_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
