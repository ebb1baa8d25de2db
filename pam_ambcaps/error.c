#include "config.h"
#include "common.h"

#include <stdarg.h>
#include <stdio.h>

void amb_error_set(struct amb_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}
