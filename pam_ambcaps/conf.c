/*
 * Reading and parsing ambcaps.conf. Fail closed: the first problem in any
 * file stops the whole load with "file:line: reason".
 */
#include "config.h"
#include "conf.h"
#include "caps.h"

#include <dirent.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------- the language ---------- */

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

int conf_parse_caps(const char *text, capmask_t *mask, bool *none,
		    struct amb_error *err)
{
	const char *p = text;
	capmask_t m = 0;
	char show[64];

	*mask = 0;
	*none = false;
	if (strcasecmp(text, "none") == 0) {
		*none = true;
		return 0;
	}
	if (text[0] == '\0') {
		amb_error_set(err, "empty capability list");
		return -1;
	}
	if (strpbrk(text, "^=!+") != NULL && strpbrk(text, ":$/") == NULL) {
		amb_error_set(err, "%s is libcap's capability.conf syntax: here a line names the "
				   "capabilities alone (all become ambient); 'ambcaps import-pam-cap' "
				   "converts a capability.conf", shown(text, strlen(text), show, sizeof(show)));
		return -1;
	}
	if (text[strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_,")]) {
		amb_error_set(err, "%s is not a capability list (is this the right file?)",
			      shown(text, strlen(text), show, sizeof(show)));
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
			amb_error_set(err, "unknown capability '%.*s...'", 40, p);
			return -1;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		if (strcasecmp(name, "none") == 0) {
			amb_error_set(err, "'none' cannot be combined with capabilities");
			return -1;
		}
		if (caps_from_name(name, &bit, why, sizeof(why)) != 0) {
			amb_error_set(err, "%s", why);
			return -1;
		}
		m |= CAPMASK_BIT(bit);
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*mask = m;
	return 0;
}

#define TOK_COMMA 1u
#define TOK_COLON 2u
#define TOK_END 4u /* ends a word: a byte <= ' ' or 0x7f */

/* What each byte means inside a word: one table lookup per byte. */
#define CLS(c) ((c) <= 0x20 || (c) == 0x7f ? TOK_END : (c) == ',' ? TOK_COMMA : (c) == ':' ? TOK_COLON : 0)
#define CLS4(c) CLS(c), CLS((c) + 1), CLS((c) + 2), CLS((c) + 3)
#define CLS16(c) CLS4(c), CLS4((c) + 4), CLS4((c) + 8), CLS4((c) + 12)
#define CLS64(c) CLS16(c), CLS16((c) + 16), CLS16((c) + 32), CLS16((c) + 48)
static const unsigned char byte_class[256] = {
	CLS64(0), CLS64(64), CLS64(128), CLS64(192)
};

/*
 * Eight bytes at a time: a non-zero result flags the first byte of X (in
 * memory order) that is not an ordinary word byte, i.e. one with a class
 * in byte_class. Flags above the first may be spurious (borrows); callers
 * only use the lowest. Little-endian only; see word_scan().
 */
static inline uint64_t special_bytes(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t below = (x - ones * 0x21) & ~x & high; /* < 0x21 */
	uint64_t del = x ^ (ones * 0x7f), comma = x ^ (ones * ','), colon = x ^ (ones * ':');

	del = (del - ones) & ~del & high;
	comma = (comma - ones) & ~comma & high;
	colon = (colon - ones) & ~colon & high;
	return below | del | comma | colon;
}

/* Advance P over ordinary word bytes; stops at the first classed byte (or END - 7). */
static inline const char *word_scan(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - p >= 8) {
		uint64_t x, m;

		memcpy(&x, p, sizeof(x));
		m = special_bytes(x);
		if (m != 0)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#else
	(void)end;
#endif
	return p;
}

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

struct parser {
	const char *file;
	unsigned line;
	struct conf_who *who;  /* room for a whole line's names */
	unsigned *flags;
	char last_caps[128];   /* cache: generated files repeat the same list */
	size_t last_len;
	capmask_t last_mask;
	bool last_none;
};

/* CAPS (LEN bytes, NUL-terminated) -> RULE, through the one-entry cache. */
static int rule_caps(struct parser *ps, const char *caps, size_t len, struct conf_rule *rule,
		     struct amb_error *err)
{
	struct amb_error why;

	if (len == ps->last_len && memcmp(caps, ps->last_caps, len) == 0) {
		rule->caps = ps->last_mask;
		rule->none = ps->last_none;
		return 0;
	}
	if (conf_parse_caps(caps, &rule->caps, &rule->none, &why) != 0) {
		amb_error_set(err, "%s:%u: %s", ps->file, ps->line, why.msg);
		return -1;
	}
	if (len < sizeof(ps->last_caps)) {
		memcpy(ps->last_caps, caps, len + 1);
		ps->last_len = len;
		ps->last_mask = rule->caps;
		ps->last_none = rule->none;
	}
	return 0;
}

/* The words of a line are complete: check them and hand the rule on. */
static int finish_line(struct parser *ps, const char *caps, size_t caps_len, size_t nwho,
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
	if (rule_caps(ps, caps, caps_len, &rule, err) != 0)
		return -1;
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

/*
 * One pass over the bytes: words are split in place (NUL-terminated), and
 * every byte is checked once on the way. A word ends at a space, a tab, a
 * line end (LF, or CR LF) or the end of the buffer; any other byte below
 * 0x20, and 0x7f, is an error. '#' at the start of a word ends the line's
 * content; the comment itself is not inspected.
 */
static int parser_init(struct parser *ps, const char *file, struct amb_error *err)
{
	memset(ps, 0, sizeof(*ps));
	ps->file = file;
	ps->last_len = SIZE_MAX;
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

static void parser_free(struct parser *ps)
{
	free(ps->who);
	free(ps->flags);
}

/*
 * Parse the lines in BUF[0..LEN). Unless FINAL, LEN ends right after a
 * newline (more text follows in the next call); if FINAL, BUF[LEN] is
 * writable and becomes the NUL sentinel the word scan stops at.
 */
static int parse_region(struct parser *ps, char *buf, size_t len, bool final,
			conf_rule_fn fn, void *ctx, struct amb_error *err)
{
	const char *file = ps->file;
	char *p = buf, *end = buf + len;
	int rc = 0;

	if (final)
		buf[len] = '\0';
	while (p < end && rc == 0) {
		char *line = p, *caps = NULL, *eol = NULL;
		size_t caps_len = 0, nwho = 0, content;
		bool cr = false;

		ps->line++;
		for (;;) {
			char *word;
			unsigned flags = 0;
			unsigned char c = 0;

			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p == end || *p == '\n') {
				eol = p;
				break;
			}
			if (*p == '#') {
				eol = memchr(p, '\n', (size_t)(end - p));
				if (eol == NULL)
					eol = end;
				break;
			}
			if (*p == '\r' && (p + 1 == end || p[1] == '\n')) {
				cr = true;
				p++;
				continue;
			}
			/* the byte after the buffer is a NUL sentinel: no bounds test here */
			word = p;
			for (;;) {
				unsigned k;

				p = (char *)word_scan(p, end);
				k = byte_class[(unsigned char)*p];

				if (k == 0) {
					p++;
				} else if (k & TOK_END) {
					break;
				} else {
					flags |= k;
					p++;
				}
			}
			c = p < end ? (unsigned char)*p : 0;
			if ((size_t)(p - line) > CONF_MAX_LINE) {
				amb_error_set(err, "%s:%u: line is longer than %u bytes", file,
					      ps->line, CONF_MAX_LINE);
				rc = -1;
				break;
			}
			if (p < end && c != ' ' && c != '\t' && c != '\n' &&
			    !(c == '\r' && (p + 1 == end || p[1] == '\n'))) {
				if (c == 0)
					amb_error_set(err, "%s:%u: NUL byte in line", file, ps->line);
				else
					amb_error_set(err, "%s:%u: control character 0x%02x in line",
						      file, ps->line, c);
				rc = -1;
				break;
			}
			if (caps == NULL) {
				caps = word;
				caps_len = (size_t)(p - word);
			} else {
				ps->who[nwho].name = word;
				ps->who[nwho].len = (size_t)(p - word);
				ps->flags[nwho++] = flags;
			}
			/* end the word in place; the buffer has a spare byte after LEN */
			if (p == end) {
				*p = '\0';
				eol = p;
				break;
			}
			*p = '\0';
			if (c == '\n') {
				eol = p;
				break;
			}
			cr = c == '\r';
			p++;
		}
		if (rc != 0)
			break;
		content = (size_t)(eol - line);
		if (content > 0 && (cr || eol[-1] == '\r'))
			content--;
		if (content > CONF_MAX_LINE) {
			amb_error_set(err, "%s:%u: line is longer than %u bytes", file, ps->line,
				      CONF_MAX_LINE);
			rc = -1;
			break;
		}
		rc = finish_line(ps, caps, caps_len, nwho, fn, ctx, err);
		p = eol < end ? eol + 1 : end;
	}
	return rc;
}

int conf_parse_buffer(const char *file, char *buf, size_t len,
		      conf_rule_fn fn, void *ctx, struct amb_error *err)
{
	struct parser ps;
	int rc;

	if (parser_init(&ps, file, err) != 0)
		return -1;
	rc = parse_region(&ps, buf, len, true, fn, ctx, err);
	parser_free(&ps);
	return rc;
}

/* ---------- opening files safely ---------- */

/* Who a file must belong to, for messages: the module always asks for root. */
static const char *owner_name(uid_t owner)
{
	return owner == 0 ? "root" : "the expected owner";
}

static int check_dir_fd(int fd, const char *dir, uid_t owner, struct amb_error *err)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		amb_error_set(err, "%s: cannot stat directory: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		amb_error_set(err, "%s: not a directory", dir);
		return -1;
	}
	if (st.st_uid != owner) {
		amb_error_set(err, "%s: directory is owned by uid %u, not %s", dir,
			      (unsigned)st.st_uid, owner_name(owner));
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		amb_error_set(err, "%s: directory is writable by group or others (mode %04o)",
			      dir, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* A directory above the one read: root's (or OWNER's), and writable by nobody else unless sticky. */
static int check_ancestor(int fd, const char *dir, const char *walked, uid_t owner,
			  struct amb_error *err)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		amb_error_set(err, "%s: cannot stat %s: %s", dir, walked, strerror(errno));
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != owner) {
		amb_error_set(err, "%s: directory %s above it is owned by uid %u, not %s", dir,
			      walked, (unsigned)st.st_uid, owner_name(owner));
		return -1;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
		amb_error_set(err, "%s: directory %s above it is writable by group or others (mode %04o)",
			      dir, walked, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

#define MAX_LINKS 32

/*
 * Open and check DIR by walking it from "/" one name at a time, each with
 * O_NOFOLLOW, so that what is checked is what is opened: every directory
 * on the way must pass check_ancestor (in a sticky directory only an
 * entry's owner may rename it, and the next directory down must be root's
 * again), DIR itself check_dir_fd. A symbolic link on the way is followed
 * only if root (or OWNER) owns it; with NOFOLLOW, DIR itself may not be
 * one. fd, -2 if missing and allowed, -1 with ERR.
 */
static int open_dir(const char *dir, uid_t owner, bool may_be_missing, bool nofollow,
		    struct amb_error *err)
{
	char path[4096], walked[4096] = "/", target[4096], next[4096];
	char *p = path;
	int fd, links = 0;

	if (dir[0] == '/') {
		if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
			goto toolong;
	} else {
		char cwd[2048];

		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			amb_error_set(err, "%s: cannot resolve: %s", dir, strerror(errno));
			return -1;
		}
		if (snprintf(path, sizeof(path), "%s/%s", cwd, dir) >= (int)sizeof(path))
			goto toolong;
	}
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		amb_error_set(err, "%s: cannot open /: %s", dir, strerror(errno));
		return -1;
	}
	for (;;) {
		char *name, *rest;
		struct stat st;
		bool last;
		int nfd;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		name = p;
		rest = strchr(p, '/');
		if (rest)
			*rest++ = '\0';
		p = rest ? rest : name + strlen(name);
		while (*p == '/')
			p++;
		last = *p == '\0';
		/* the directory FD stands above NAME: it must be safe */
		if (check_ancestor(fd, dir, walked, owner, err) != 0)
			goto fail;
		if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno == ENOENT && may_be_missing) {
				close(fd);
				return -2;
			}
			amb_error_set(err, "%s: cannot open directory: %s", dir, strerror(errno));
			goto fail;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t n;

			if (last && nofollow) {
				amb_error_set(err, "%s: is a symbolic link", dir);
				goto fail;
			}
			if (st.st_uid != 0 && st.st_uid != owner) {
				amb_error_set(err, "%s: symbolic link %s%s%s on the way is owned by uid %u, not %s",
					      dir, walked, strcmp(walked, "/") ? "/" : "", name,
					      (unsigned)st.st_uid, owner_name(owner));
				goto fail;
			}
			n = readlinkat(fd, name, target, sizeof(target) - 1);
			if (n <= 0 || ++links > MAX_LINKS) {
				amb_error_set(err, "%s: cannot follow %s: %s", dir, name,
					      n <= 0 ? strerror(errno) : "too many symbolic links");
				goto fail;
			}
			target[n] = '\0';
			/* go on with the link's text in place of its name */
			if (snprintf(next, sizeof(next), "%s/%s", target, p) >= (int)sizeof(next)) {
				close(fd);
				goto toolong;
			}
			memcpy(path, next, strlen(next) + 1);
			p = path;
			if (target[0] == '/') {
				close(fd);
				fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (fd < 0) {
					amb_error_set(err, "%s: cannot open /: %s", dir, strerror(errno));
					return -1;
				}
				snprintf(walked, sizeof(walked), "/");
			}
			continue;
		}
		nfd = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			amb_error_set(err, "%s: cannot open directory: %s", dir, strerror(errno));
			goto fail;
		}
		close(fd);
		fd = nfd;
		{
			size_t w = strlen(walked);

			/* only for messages: a path cut short there is fine */
			if (snprintf(walked + w, sizeof(walked) - w, "%s%s", w > 1 ? "/" : "", name) < 0)
				walked[w] = '\0';
		}
	}
	/* DIR itself: a real descriptor for reading it, and its own checks */
	{
		int rfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		close(fd);
		if (rfd < 0) {
			amb_error_set(err, "%s: cannot open directory: %s", dir, strerror(errno));
			return -1;
		}
		if (check_dir_fd(rfd, dir, owner, err) != 0) {
			close(rfd);
			return -1;
		}
		return rfd;
	}
fail:
	close(fd);
	return -1;
toolong:
	amb_error_set(err, "%s: path too long", dir);
	return -1;
}

/*
 * Open NAME in the checked directory DFD (PATH is for messages) and check
 * the descriptor: regular file, owner, mode, size. 1 with *FD, 0 if missing
 * and MAY_BE_MISSING, -1 with ERR.
 */
static int open_checked(int dfd, const char *name, const char *path, uid_t owner,
			bool may_be_missing, int *fdp, struct amb_error *err)
{
	struct stat st;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		if (errno == ENOENT && may_be_missing)
			return 0;
		if (errno == ELOOP)
			amb_error_set(err, "%s: is a symbolic link", path);
		else
			amb_error_set(err, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0)
		amb_error_set(err, "%s: cannot stat: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		amb_error_set(err, "%s: not a regular file", path);
	else if (st.st_uid != owner)
		amb_error_set(err, "%s: owned by uid %u, not %s", path, (unsigned)st.st_uid,
			      owner_name(owner));
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		amb_error_set(err, "%s: writable by group or others (mode %04o)", path,
			      (unsigned)(st.st_mode & 07777));
	else if (st.st_size > (off_t)CONF_MAX_FILE)
		amb_error_set(err, "%s: larger than the limit of %u bytes", path, CONF_MAX_FILE);
	else {
		*fdp = fd;
		return 1;
	}
	close(fd);
	return -1;
}

#define READ_CHUNK (64u * 1024) /* more than a line may hold */

/*
 * Read FD in chunks and parse as it comes: only a partial last line is
 * carried from one chunk to the next, so memory stays small whatever the
 * file's size. A file that grows past the limit while read is refused.
 */
static int parse_fd(int fd, const char *path, conf_rule_fn fn, void *ctx, struct amb_error *err)
{
	struct parser ps;
	char *buf;
	size_t have = 0, total = 0;
	int rc = 0;

	if (parser_init(&ps, path, err) != 0)
		return -1;
	buf = malloc(READ_CHUNK + 1);
	if (buf == NULL) {
		parser_free(&ps);
		amb_error_nomem(err, path);
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, buf + have, READ_CHUNK - have);
		char *nl;
		size_t upto;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			amb_error_set(err, "%s: cannot read: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		total += (size_t)n;
		if (total > CONF_MAX_FILE) {
			amb_error_set(err, "%s: larger than the limit of %u bytes", path, CONF_MAX_FILE);
			rc = -1;
			break;
		}
		have += (size_t)n;
		if (n == 0 || have == READ_CHUNK) {
			nl = have ? memrchr(buf, '\n', have) : NULL;
			if (n == 0 || nl == NULL) {
				/* the end, or a line longer than a chunk (the parser says so) */
				rc = parse_region(&ps, buf, have, true, fn, ctx, err);
				if (rc == 0 && n != 0) {
					amb_error_set(err, "%s:%u: line is longer than %u bytes", path,
						      ps.line + 1, CONF_MAX_LINE);
					rc = -1;
				}
				break;
			}
			upto = (size_t)(nl + 1 - buf);
			rc = parse_region(&ps, buf, upto, false, fn, ctx, err);
			if (rc != 0)
				break;
			memmove(buf, buf + upto, have - upto);
			have -= upto;
		}
	}
	free(buf);
	parser_free(&ps);
	return rc;
}

int conf_parse_file(const char *path, uid_t owner, bool may_be_missing, bool *found,
		    conf_rule_fn fn, void *ctx, struct amb_error *err)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int dfd, fd = -1, rc;

	if (found)
		*found = false;
	if (path[0] != '/') {
		amb_error_set(err, "%s: not an absolute path", path);
		return -1;
	}
	if (slash[1] == '\0' || (size_t)(slash - path) >= sizeof(dir)) {
		amb_error_set(err, "%s: not a file name", path);
		return -1;
	}
	if (slash == path) {
		strcpy(dir, "/");
	} else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	dfd = open_dir(dir, owner, may_be_missing, false, err);
	if (dfd == -2)
		return 0;
	if (dfd < 0)
		return -1;
	rc = open_checked(dfd, slash + 1, path, owner, may_be_missing, &fd, err);
	close(dfd);
	if (rc != 1)
		return rc;
	if (found)
		*found = true;
	rc = parse_fd(fd, path, fn, ctx, err);
	close(fd);
	return rc;
}

/* ---------- drop-ins ---------- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push_name(char ***v, size_t *n, size_t *cap, const char *name)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char **nv = realloc(*v, ncap * sizeof(**v));

		if (nv == NULL)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	(*v)[*n] = strdup(name);
	if ((*v)[*n] == NULL)
		return -1;
	(*n)++;
	return 0;
}

void conf_free_names(struct conf_names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->names[i]);
	for (size_t i = 0; i < names->nignored; i++)
		free(names->ignored[i]);
	free(names->names);
	free(names->ignored);
	memset(names, 0, sizeof(*names));
}

static int list_fd(int dfd, const char *dir, struct conf_names *out, struct amb_error *err)
{
	size_t cap = 0, icap = 0;
	struct dirent *de;
	DIR *d;
	int fd = dup(dfd);

	memset(out, 0, sizeof(*out));
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		amb_error_set(err, "%s: cannot read directory: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		bool want = de->d_name[0] != '.' && len > 5 &&
			    strcmp(de->d_name + len - 5, ".conf") == 0;
		int rc;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (want && out->n >= CONF_MAX_DROPINS) {
			amb_error_set(err, "%s: more than %u drop-in files", dir, CONF_MAX_DROPINS);
			goto fail;
		}
		rc = want ? push_name(&out->names, &out->n, &cap, de->d_name)
			  : push_name(&out->ignored, &out->nignored, &icap, de->d_name);
		if (rc != 0) {
			amb_error_nomem(err, dir);
			goto fail;
		}
	}
	closedir(d);
	if (out->n > 1)
		qsort(out->names, out->n, sizeof(*out->names), cmp_names);
	if (out->nignored > 1)
		qsort(out->ignored, out->nignored, sizeof(*out->ignored), cmp_names);
	return 1;
fail:
	closedir(d);
	conf_free_names(out);
	return -1;
}

int conf_list_dropins(const char *dir, uid_t owner, bool may_be_missing,
		      struct conf_names *out, struct amb_error *err)
{
	int dfd = open_dir(dir, owner, may_be_missing, true, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (dfd == -2)
		return 0;
	if (dfd < 0)
		return -1;
	rc = list_fd(dfd, dir, out, err);
	close(dfd);
	return rc;
}

int conf_load(const struct conf_source *src, conf_rule_fn fn, void *ctx,
	      unsigned *nfiles, struct amb_error *err)
{
	struct conf_names names;
	int rc, dfd;

	if (nfiles)
		*nfiles = 0;
	if (src->file) {
		bool found;

		rc = conf_parse_file(src->file, src->owner, src->file_optional, &found, fn, ctx, err);
		if (found && nfiles)
			(*nfiles)++;
		if (rc != 0)
			return rc;
	}
	if (src->dir == NULL)
		return 0;
	dfd = open_dir(src->dir, src->owner, src->dir_optional, true, err);
	if (dfd == -2)
		return 0;
	if (dfd < 0)
		return -1;
	rc = list_fd(dfd, src->dir, &names, err);
	if (rc < 0) {
		close(dfd);
		return -1;
	}
	rc = 0;
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		char path[4096];

		int fd = -1;

		snprintf(path, sizeof(path), "%s/%s", src->dir, names.names[i]);
		rc = open_checked(dfd, names.names[i], path, src->owner, false, &fd, err);
		if (rc < 0)
			break;
		if (nfiles)
			(*nfiles)++;
		rc = parse_fd(fd, path, fn, ctx, err);
		close(fd);
	}
	conf_free_names(&names);
	close(dfd);
	return rc;
}
