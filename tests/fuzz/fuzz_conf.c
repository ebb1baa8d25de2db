/*
 * libFuzzer target: the configuration parser on any bytes. It must never
 * crash, leak or read out of bounds, and every rule it accepts must be
 * well formed (names non-empty, lengths right, '*' alone).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_rule(const struct conf_rule *rule, void *ctx)
{
	(void)ctx;
	if (rule->nwho == 0 || rule->line == 0 || (rule->none && rule->caps))
		abort();
	for (size_t i = 0; i < rule->nwho; i++) {
		const struct conf_who *w = &rule->who[i];

		if (w->len == 0 || strlen(w->name) != w->len)
			abort();
		if (w->kind == WHO_ALL && rule->nwho != 1)
			abort();
		if (strpbrk(w->name, ",: \t\r\n"))
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	struct amb_error err;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	conf_parse_buffer("fuzz.conf", buf, size, check_rule, NULL, &err);
	free(buf);
	return 0;
}
