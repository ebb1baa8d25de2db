#include "config.h"
#include "common.h"

#include <stdarg.h>
#include <stdio.h>

void amb_scrub(char *s)
{
	for (; *s; s++)
		if (amb_unsafe_byte(*s))
			*s = '?';
}

void amb_error_set(struct amb_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	err->kind = AMB_ERR_REFUSED;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	amb_scrub(err->msg); /* a path or name in it may come from anywhere */
}

void amb_error_nomem(struct amb_error *err, const char *what)
{
	if (err == NULL)
		return;
	if (what)
		amb_error_set(err, "%s: out of memory", what);
	else
		amb_error_set(err, "out of memory");
	err->kind = AMB_ERR_NOMEM;
}
