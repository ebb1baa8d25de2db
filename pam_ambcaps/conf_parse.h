/*
 * conf_parse.h: the parser as the file reader drives it (private to
 * conf_parse.c and conf_file.c; everyone else calls conf_parse_buffer or
 * conf_load).
 */
#ifndef AMBCAPS_CONF_PARSE_H
#define AMBCAPS_CONF_PARSE_H

#include "conf.h"

struct conf_parser {
	const char *file;
	unsigned line;           /* lines seen so far */
	struct conf_who *who;    /* room for a whole line's names */
	unsigned *flags;         /* TOK_* seen in each name */
};

int conf_parser_init(struct conf_parser *ps, const char *file, struct amb_error *err);
void conf_parser_free(struct conf_parser *ps);

/*
 * Parse the lines of BUF[0..LEN), which end in '\n' unless FINAL (then
 * the last may be unended, and BUF[LEN] is a writable spare byte).
 * 0, the callback's non-zero value, or -1 with "FILE:LINE: reason".
 */
int conf_parser_feed(struct conf_parser *ps, char *buf, size_t len, bool final, conf_rule_fn fn,
		     void *ctx, struct amb_error *err);

#endif
