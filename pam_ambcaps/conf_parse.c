/*
 * The language of ambcaps.conf: lines, words, capability lists, names.
 * No files and no PAM: conf_file.c reads the files safely and feeds this.
 */
#include "config.h"
#include "conf.h"
#include "conf_parse.h"
#include "caps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


/*
 * A word of the file as log lines may show it: quoted when it is made of
 * the bytes names and capability lists are made of, at most 32 of them;
 * otherwise only its length. The wrong file named by conf= (/etc/shadow)
 * must not end up in the auth log.
 */
static const char *shown(const char *tok, size_t len, char *buf, size_t buflen)
{
	size_t i = 0;

	for (; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,@*+-^=!",
			    tok[i]) || tok[i] == '\0')
			break;
	if (i < len)
		snprintf(buf, buflen, "(not shown: %zu bytes)", len);
	else if (len > 32)
		snprintf(buf, buflen, "'%.32s...'", tok);
	else
		snprintf(buf, buflen, "'%.*s'", (int)len, tok);
	return buf;
}

/* TEXT holds only what capability lists are made of: letters, digits, '_' and ','. */
static bool cap_list_bytes(const char *text)
{
	for (; *text; text++) {
		char c = *text;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == ','))
			return false;
	}
	return true;
}

/*
 * A capability list TEXT that does not parse: WHY when it is made of what
 * lists are made of; else what it looks like, without echoing it (a word
 * of another file, such as a password hash, stays out of the log). -1.
 */
static int list_error(const char *text, const char *why, struct amb_error *err)
{
	char show[64];

	if (cap_list_bytes(text))
		amb_error_set(err, "%s", why);
	else if (strpbrk(text, "^=!+") != NULL && strpbrk(text, ":$/") == NULL)
		amb_error_set(err, "%s is libcap's capability.conf syntax: here a line names the "
				   "capabilities alone (all become ambient); 'ambcaps import-pam-cap' "
				   "converts a capability.conf", shown(text, strlen(text), show, sizeof(show)));
	else
		amb_error_set(err, "%s is not a capability list (is this the right file?)",
			      shown(text, strlen(text), show, sizeof(show)));
	return -1;
}

int conf_parse_caps(const char *text, capmask_t *mask, bool *none,
		    struct amb_error *err)
{
	const char *p = text;
	capmask_t m = 0;
	char show[64];

	*mask = 0;
	*none = false;
	if ((text[0] == 'n' || text[0] == 'N') && strcasecmp(text, "none") == 0) {
		*none = true;
		return 0;
	}
	if (text[0] == '\0') {
		amb_error_set(err, "empty capability list");
		return -1;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char name[80], why[160];
		unsigned bit;

		if (len == 0) {
			if (p == text)
				amb_error_set(err, "capability list %s starts with a comma",
					      shown(text, strlen(text), show, sizeof(show)));
			else if (comma == NULL)
				amb_error_set(err, "trailing comma in capability list %s",
					      shown(text, strlen(text), show, sizeof(show)));
			else
				amb_error_set(err, "empty capability name in %s",
					      shown(text, strlen(text), show, sizeof(show)));
			return -1;
		}
		if (len >= sizeof(name)) {
			snprintf(why, sizeof(why), "unknown capability '%.40s...'", p);
			return list_error(text, why, err);
		}
		memcpy(name, p, len);
		name[len] = '\0';
		if ((name[0] == 'n' || name[0] == 'N') && strcasecmp(name, "none") == 0) {
			amb_error_set(err, "'none' cannot be combined with capabilities");
			return -1;
		}
		if (caps_from_name(name, &bit, why, sizeof(why)) != 0)
			return list_error(text, why, err);
		m |= CAPMASK_BIT(bit);
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*mask = m;
	return 0;
}

#define TOK_COMMA 1u /* a word holds a ',' */
#define TOK_COLON 2u /* a word holds a ':' */
#define BYTE_SPACE 4u /* ends a word: space or tab */
#define BYTE_CONTROL 8u /* any other byte below 0x20, and 0x7f: an error */

/* Check one WHO token (FLAGS: TOK_* seen in it); 0, or -1 with ERR. */
static int parse_who(struct conf_who *who, unsigned flags, size_t nwho, struct amb_error *err)
{
	const char *tok = who->name;
	char show[64];

	if (flags & TOK_COMMA) {
		amb_error_set(err, "',' in name %s: separate users and groups with spaces "
				   "(alice bob); only the capabilities are one word (cap_a,cap_b)",
			      shown(tok, who->len, show, sizeof(show)));
		return -1;
	}
	if (flags & TOK_COLON) {
		amb_error_set(err, "':' is not allowed in name %s",
			      shown(tok, who->len, show, sizeof(show)));
		return -1;
	}
	if (tok[0] == '*') {
		if (tok[1] != '\0') {
			amb_error_set(err, "%s: '*' must stand alone",
				      shown(tok, who->len, show, sizeof(show)));
			return -1;
		}
		if (nwho > 1) {
			amb_error_set(err, "'*' must be the only name on its line");
			return -1;
		}
		who->kind = WHO_ALL;
		return 0;
	}
	if (tok[0] == '@') {
		if (tok[1] == '\0') {
			amb_error_set(err, "'@' without a group name");
			return -1;
		}
		if (tok[1] == '@' || tok[1] == '*') {
			amb_error_set(err, "%s is not a valid group name",
				      shown(tok, who->len, show, sizeof(show)));
			return -1;
		}
		who->kind = WHO_GROUP;
		who->name = tok + 1;
		who->len--;
		return 0;
	}
	who->kind = WHO_USER;
	return 0;
}

/* The words of a line are complete: check them and hand the rule on. */
static int finish_line(struct conf_parser *ps, const char *caps, size_t caps_len, size_t nwho,
		       conf_rule_fn fn, void *ctx, struct amb_error *err)
{
	struct conf_rule rule;
	char show[64];

	if (caps == NULL)
		return 0;
	if (nwho == 0) {
		amb_error_set(err, "%s:%u: %s is not followed by any user or group",
			      ps->file, ps->line, shown(caps, caps_len, show, sizeof(show)));
		return -1;
	}
	memset(&rule, 0, sizeof(rule));
	{
		struct amb_error why;

		if (conf_parse_caps(caps, &rule.caps, &rule.none, &why) != 0) {
			amb_error_set(err, "%s:%u: %s", ps->file, ps->line, why.msg);
			return -1;
		}
	}
	for (size_t i = 0; i < nwho; i++) {
		struct amb_error why;

		if (parse_who(&ps->who[i], ps->flags[i], nwho, &why) != 0) {
			amb_error_set(err, "%s:%u: %s", ps->file, ps->line, why.msg);
			return -1;
		}
	}
	rule.file = ps->file;
	rule.line = ps->line;
	rule.nwho = nwho;
	rule.who = ps->who;
	return fn(&rule, ctx);
}

int conf_parser_init(struct conf_parser *ps, const char *file, struct amb_error *err)
{
	memset(ps, 0, sizeof(*ps));
	ps->file = file;
	/* one look per byte: most bytes are a part of a word and nothing more */
	for (unsigned c = 0; c < 0x20; c++)
		ps->kind[c] = BYTE_CONTROL;
	ps->kind[0x7f] = BYTE_CONTROL;
	ps->kind[' '] = ps->kind['\t'] = BYTE_SPACE;
	ps->kind[','] = TOK_COMMA;
	ps->kind[':'] = TOK_COLON;
	/* a line of CONF_MAX_LINE bytes holds at most half as many words */
	ps->who = malloc((CONF_MAX_LINE / 2 + 1) * sizeof(*ps->who));
	ps->flags = malloc((CONF_MAX_LINE / 2 + 1) * sizeof(*ps->flags));
	if (ps->who == NULL || ps->flags == NULL) {
		free(ps->who);
		free(ps->flags);
		amb_error_nomem(err, file);
		return -1;
	}
	return 0;
}

void conf_parser_free(struct conf_parser *ps)
{
	free(ps->who);
	free(ps->flags);
}

static int too_long(struct conf_parser *ps, struct amb_error *err)
{
	amb_error_set(err, "%s:%u: line is longer than %u bytes", ps->file, ps->line, CONF_MAX_LINE);
	return -1;
}

/*
 * One line, LINE[0..LEN) without its '\n' and with a writable byte after
 * it. Words are separated by spaces and tabs and ended in place; '#' at the
 * start of a word starts a comment, which is not looked at; a '\r' ending
 * the line is its CR LF. Any other byte below 0x20, and 0x7f, is an error.
 */
static int parse_line(struct conf_parser *ps, char *line, size_t len, conf_rule_fn fn, void *ctx,
		      struct amb_error *err)
{
	char *caps = NULL;
	size_t caps_len = 0, nwho = 0, i = 0;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	while (i < len) {
		size_t start;
		unsigned flags = 0;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len || line[i] == '#')
			break;
		start = i;
		for (; i < len; i++) {
			unsigned char c = (unsigned char)line[i];
			unsigned k = ps->kind[c];

			if (k == 0)
				continue;
			if (k == BYTE_SPACE)
				break;
			if (k == BYTE_CONTROL) {
				if (i > CONF_MAX_LINE)
					return too_long(ps, err);
				if (c == 0)
					amb_error_set(err, "%s:%u: NUL byte in line", ps->file, ps->line);
				else
					amb_error_set(err, "%s:%u: control character 0x%02x in line",
						      ps->file, ps->line, c);
				return -1;
			}
			flags |= k;
		}
		if (caps == NULL) {
			caps = line + start;
			caps_len = i - start;
		} else {
			ps->who[nwho].name = line + start;
			ps->who[nwho].len = i - start;
			ps->flags[nwho++] = flags;
		}
		line[i] = '\0'; /* a separator, the line's end, or the spare byte after it */
		if (i < len)
			i++;
	}
	/* the length counts everything but the line end, comments included */
	if (len > CONF_MAX_LINE)
		return too_long(ps, err);
	return finish_line(ps, caps, caps_len, nwho, fn, ctx, err);
}

int conf_parser_feed(struct conf_parser *ps, char *buf, size_t len, bool final, conf_rule_fn fn,
		     void *ctx, struct amb_error *err)
{
	char *p = buf, *end = buf + len;
	int rc = 0;

	while (p < end && rc == 0) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl ? nl : end;

		ps->line++;
		if (nl == NULL && !final)
			return too_long(ps, err); /* the caller hands over whole lines */
		rc = parse_line(ps, p, (size_t)(eol - p), fn, ctx, err);
		p = eol + 1;
	}
	return rc;
}

int conf_parse_buffer(const char *file, char *buf, size_t len,
		      conf_rule_fn fn, void *ctx, struct amb_error *err)
{
	struct conf_parser ps;
	int rc;

	if (conf_parser_init(&ps, file, err) != 0)
		return -1;
	rc = conf_parser_feed(&ps, buf, len, true, fn, ctx, err);
	conf_parser_free(&ps);
	return rc;
}

