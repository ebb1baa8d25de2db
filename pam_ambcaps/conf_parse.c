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
const char *conf_shown(const char *tok, size_t len, char *buf, size_t buflen)
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
				   "converts a capability.conf", conf_shown(text, strlen(text), show, sizeof(show)));
	else
		amb_error_set(err, "%s is not a capability list (is this the right file?)",
			      conf_shown(text, strlen(text), show, sizeof(show)));
	return -1;
}

/*
 * A name of the capability list TEXT that is not a capability's name,
 * NAME[0..LEN): a number (its value), or why it is refused (-1 with ERR).
 */
static int other_name(const char *text, const char *name, size_t len, struct amb_error *err)
{
	char copy[80], why[160];
	unsigned bit;

	if (len >= sizeof(copy)) {
		snprintf(why, sizeof(why), "unknown capability '%.40s...'", name);
		return list_error(text, why, err);
	}
	memcpy(copy, name, len);
	copy[len] = '\0';
	if ((copy[0] == 'n' || copy[0] == 'N') && strcasecmp(copy, "none") == 0) {
		amb_error_set(err, "'none' cannot be combined with capabilities");
		return -1;
	}
	if (caps_from_name(copy, &bit, why, sizeof(why)) != 0)
		return list_error(text, why, err);
	return (int)bit;
}

/* The capability list TEXT has an empty name at P (COMMA after it, or NULL). -1. */
static int empty_name(const char *text, size_t len, const char *p, const char *comma,
		      struct amb_error *err)
{
	char show[64];

	if (p == text)
		amb_error_set(err, "capability list %s starts with a comma",
			      conf_shown(text, len, show, sizeof(show)));
	else if (comma == NULL)
		amb_error_set(err, "trailing comma in capability list %s",
			      conf_shown(text, len, show, sizeof(show)));
	else
		amb_error_set(err, "empty capability name in %s", conf_shown(text, len, show, sizeof(show)));
	return -1;
}

/* A capability list TEXT of LEN bytes (a string: TEXT[LEN] is '\0'). */
static int parse_caps(const char *text, size_t len, capmask_t *mask, bool *none,
		      struct amb_error *err)
{
	const char *p = text, *end = text + len;
	capmask_t m = 0;

	*mask = 0;
	*none = false;
	if ((text[0] == 'n' || text[0] == 'N') && strcasecmp(text, "none") == 0) {
		*none = true;
		return 0;
	}
	if (len == 0) {
		amb_error_set(err, "empty capability list");
		return -1;
	}
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t n = comma ? (size_t)(comma - p) : (size_t)(end - p);
		int bit;

		if (n == 0)
			return empty_name(text, len, p, comma, err);
		bit = caps_named(p, n);
		if (bit < 0 && (bit = other_name(text, p, n, err)) < 0)
			return -1;
		m |= CAPMASK_BIT(bit);
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*mask = m;
	return 0;
}

int conf_parse_caps(const char *text, capmask_t *mask, bool *none,
		    struct amb_error *err)
{
	return parse_caps(text, strlen(text), mask, none, err);
}

#define TOK_COMMA 1u /* a word holds a ',' */
#define TOK_COLON 2u /* a word holds a ':' */
#define BYTE_SPACE 4u /* ends a word: space or tab */
#define BYTE_CONTROL 8u /* any other byte below 0x20, and 0x7f: an error */

/*
 * What each byte is to a word: 0 a part of it, which is most bytes; 1
 * (TOK_COMMA) and 2 (TOK_COLON) a part of it too, noted; 4 (BYTE_SPACE)
 * ends it; 8 (BYTE_CONTROL) an error, unless it is the line's end: the
 * '\n', the '\r' of a CR LF, or the '\0' put after an unended last line,
 * so that scanning a word needs no length check. 0x80 to 0xff: all 0.
 */
static const unsigned char byte_class[256] = {
	8, 8, 8, 8, 8, 8, 8, 8, 8, 4, 8, 8, 8, 8, 8, 8, /* 0x00: '\t' is 4 */
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, /* 0x10 */
	4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x20: ' ' 4, ',' 1 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, /* 0x30: ':' 2 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x50 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, /* 0x70: 0x7f is 8 */
};

/* Check one WHO token (FLAGS: TOK_* seen in it); 0, or -1 with ERR. */
static int parse_who(struct conf_who *who, unsigned flags, size_t nwho, struct amb_error *err)
{
	const char *tok = who->name;
	char show[64];

	if (flags & TOK_COMMA) {
		amb_error_set(err, "',' in name %s: separate users and groups with spaces "
				   "(alice bob); only the capabilities are one word (cap_a,cap_b)",
			      conf_shown(tok, who->len, show, sizeof(show)));
		return -1;
	}
	if (flags & TOK_COLON) {
		amb_error_set(err, "':' is not allowed in name %s",
			      conf_shown(tok, who->len, show, sizeof(show)));
		return -1;
	}
	if (tok[0] == '*') {
		if (tok[1] != '\0') {
			amb_error_set(err, "%s: '*' must stand alone",
				      conf_shown(tok, who->len, show, sizeof(show)));
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
				      conf_shown(tok, who->len, show, sizeof(show)));
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

/* ERR says why the current line is refused: put "file:line: " before it. -1. */
static int at_line(const struct conf_parser *ps, struct amb_error *err)
{
	char why[sizeof(err->msg)];

	if (err == NULL)
		return -1;
	memcpy(why, err->msg, sizeof(why));
	amb_error_set(err, "%s:%u: %s", ps->file, ps->line, why);
	return -1;
}

/* The words of a line are complete: check them and hand the rule on. */
static int finish_line(struct conf_parser *ps, const char *caps, size_t caps_len,
		       unsigned caps_flags, size_t nwho, conf_rule_fn fn, void *ctx,
		       struct amb_error *err)
{
	struct conf_rule rule;
	int named;

	if (caps == NULL)
		return 0;
	if (nwho == 0) {
		char show[64];

		amb_error_set(err, "%s:%u: %s is not followed by any user or group",
			      ps->file, ps->line, conf_shown(caps, caps_len, show, sizeof(show)));
		return -1;
	}
	/* most lines name one capability: the list is that name, else parse_caps says what it is */
	named = caps_flags & TOK_COMMA ? -1 : caps_named(caps, caps_len);
	if (named >= 0) {
		rule.caps = CAPMASK_BIT(named);
		rule.none = false;
	} else if (parse_caps(caps, caps_len, &rule.caps, &rule.none, err) != 0) {
		return at_line(ps, err);
	}
	for (size_t i = 0; i < nwho; i++)
		if (parse_who(&ps->who[i], ps->flags[i], nwho, err) != 0)
			return at_line(ps, err);
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
	/* names start at most CONF_MAX_LINE bytes into a line (parse_line), one in two bytes at most */
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
 * Where the word at P ends: at a space, a tab, a control byte or the
 * line's end (byte_class). *FLAGS: the TOK_* seen in it; *END: the
 * byte_class of the byte that ends it, BYTE_SPACE or BYTE_CONTROL.
 */
static char *word_end(char *p, unsigned *flags, unsigned *end)
{
	unsigned char *q = (unsigned char *)p;
	unsigned seen = 0, k;

	for (;;) {
		while (byte_class[*q] == 0)
			q++;
		k = byte_class[*q];
		if (k >= BYTE_SPACE)
			break;
		seen |= k;
		q++;
	}
	*flags = seen;
	*end = k;
	return (char *)q;
}

/* The control byte LINE[I], in a line: -1 with the reason. */
static int bad_byte(struct conf_parser *ps, const char *line, size_t i, struct amb_error *err)
{
	unsigned char c = (unsigned char)line[i];

	if (i > CONF_MAX_LINE)
		return too_long(ps, err);
	if (c == 0)
		amb_error_set(err, "%s:%u: NUL byte in line", ps->file, ps->line);
	else
		amb_error_set(err, "%s:%u: control character 0x%02x in line", ps->file, ps->line, c);
	return -1;
}

/*
 * The line at LINE, which ends at its '\n' or at END, where the last line
 * of the buffer may end without one (*END is then '\0'); *NEXT: where the
 * next line starts. One pass: words are separated by spaces and tabs and
 * ended in place, and the control byte that ends the last word is the
 * line's end, a '\r' just before it (CR LF), or an error. '#' at the start
 * of a word starts a comment, which is not looked at. The length limit
 * counts everything but the line end, comments included.
 */
static int parse_line(struct conf_parser *ps, char *line, char *end, char **next,
		      conf_rule_fn fn, void *ctx, struct amb_error *err)
{
	char *q = line, *eol, *caps = NULL;
	size_t caps_len = 0, nwho = 0, len;
	unsigned caps_flags = 0;

	for (;;) {
		char *start;
		unsigned flags, k;

		while (*q == ' ' || *q == '\t')
			q++;
		/* a line this long is refused whatever follows; and ps->who holds all the names before */
		if ((size_t)(q - line) > CONF_MAX_LINE)
			return too_long(ps, err);
		if (*q == '#') {
			eol = memchr(q, '\n', (size_t)(end - q));
			if (eol == NULL)
				eol = end;
			len = (size_t)(eol - line);
			if (eol[-1] == '\r')
				len--;
			break;
		}
		start = q;
		q = word_end(q, &flags, &k);
		if (q > start && caps == NULL) {
			caps = start;
			caps_len = (size_t)(q - start);
			caps_flags = flags;
		} else if (q > start) {
			ps->who[nwho].name = start;
			ps->who[nwho].len = (size_t)(q - start);
			ps->flags[nwho++] = flags;
		}
		if (k == BYTE_SPACE) {
			*q++ = '\0';
			continue;
		}
		/* a control byte: the line's end, the CR of its CR LF, or an error */
		if (q == end || *q == '\n')
			eol = q;
		else if (*q == '\r' && (q + 1 == end || q[1] == '\n'))
			eol = q + 1;
		else
			return bad_byte(ps, line, (size_t)(q - line), err);
		len = (size_t)(q - line);
		*q = '\0';
		break;
	}
	*next = eol < end ? eol + 1 : end;
	if (len > CONF_MAX_LINE)
		return too_long(ps, err);
	return finish_line(ps, caps, caps_len, caps_flags, nwho, fn, ctx, err);
}

int conf_parser_feed(struct conf_parser *ps, char *buf, size_t len, bool final, conf_rule_fn fn,
		     void *ctx, struct amb_error *err)
{
	char *p = buf, *end = buf + len;
	int rc = 0;

	if (final) {
		*end = '\0'; /* the spare byte: where an unended last line ends */
	} else if (len > 0 && end[-1] != '\n') {
		/* the caller hands over whole lines: a cut one is refused after the others */
		char *nl = memrchr(buf, '\n', len);

		end = nl ? nl + 1 : buf;
	}
	while (p < end && rc == 0) {
		ps->line++;
		rc = parse_line(ps, p, end, &p, fn, ctx, err);
	}
	if (rc == 0 && end < buf + len) {
		ps->line++;
		rc = too_long(ps, err);
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

