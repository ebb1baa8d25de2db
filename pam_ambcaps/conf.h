/*
 * conf.[ch]: reading ambcaps.conf and its drop-ins safely, and turning
 * their lines into rules. No PAM handle: the module and the ambcaps tool
 * share it. See ambcaps.conf(5).
 */
#ifndef AMBCAPS_CONF_H
#define AMBCAPS_CONF_H

#include <sys/types.h>
#include "common.h"

#define CONF_MAX_LINE 4096u            /* bytes, without the newline */
#define CONF_MAX_FILE (16u * 1024 * 1024) /* bytes per file */
#define CONF_MAX_DROPINS 10000u

enum who_kind { WHO_USER, WHO_GROUP, WHO_ALL };

struct conf_who {
	enum who_kind kind;
	const char *name; /* user or group name (without '@'); "*" for WHO_ALL */
	size_t len;       /* strlen(name) */
};

struct conf_rule {
	capmask_t caps;   /* empty when none */
	bool none;        /* the line is a veto */
	const char *file;
	unsigned line;
	size_t nwho;
	const struct conf_who *who;
};

/*
 * Called once per rule. Return 0 to go on, non-zero to stop the parse
 * (conf_parse_* then returns that value; set ERR first if it is an error).
 */
typedef int (*conf_rule_fn)(const struct conf_rule *rule, void *ctx);

/*
 * Parse a capability list ("cap_a,b,CAP_C" or "none").
 * 0 with *mask and *none set, or -1 with the reason in ERR.
 */
/*
 * A word of the file as log lines may show it into BUF: quoted when it is
 * made of the bytes of names and capability lists (never ':', '$' or '/'),
 * at most 32 of them; otherwise only its length. Returns BUF.
 */
const char *conf_shown(const char *tok, size_t len, char *buf, size_t buflen);

int conf_parse_caps(const char *text, capmask_t *mask, bool *none,
		    struct amb_error *err);

/*
 * Parse BUF (LEN bytes plus one writable byte after them; modified in
 * place) as the contents of FILE.
 * Returns 0, the callback's non-zero value, or -1 with "FILE:LINE: reason".
 */
int conf_parse_buffer(const char *file, char *buf, size_t len,
		      conf_rule_fn fn, void *ctx, struct amb_error *err);

/*
 * Open PATH the safe way and parse it: absolute path, every directory on
 * the way safe (see conf_load), O_NOFOLLOW, a regular file owned by OWNER,
 * not group- or world-writable, at most CONF_MAX_FILE bytes; read in
 * chunks. Returns 0 (*FOUND, may be NULL, tells whether the file was there:
 * it may be missing only if MAY_BE_MISSING), -1 with "PATH: reason" or
 * "PATH:LINE: reason", or the callback's non-zero value.
 */
int conf_parse_file(const char *path, uid_t owner, bool may_be_missing, bool *found,
		    conf_rule_fn fn, void *ctx, struct amb_error *err);

/* Where the configuration lives. */
struct conf_source {
	const char *file;     /* main file, or NULL */
	bool file_optional;   /* only the default may be missing */
	const char *dir;      /* drop-in directory (*.conf), or NULL */
	bool dir_optional;
	uid_t owner;          /* who must own files and directories: root */
};

/*
 * Read the main file, then each drop-in (DIR, files named *.conf) in lexical (byte) order, and
 * feed each rule to FN. Any error in any file stops everything: -1 with
 * ERR. Returns 0, or the callback's non-zero value. *NFILES (may be NULL)
 * counts the files read.
 */
int conf_load(const struct conf_source *src, conf_rule_fn fn, void *ctx,
	      unsigned *nfiles, struct amb_error *err);

/* Drop-in file names, in the order conf_load reads them. */
struct conf_names {
	char **names;   /* "*.conf", no dot files, sorted bytewise */
	size_t n;
	char **ignored; /* other entries, passed over */
	size_t nignored;
};

/*
 * List DIR's drop-ins after checking DIR itself (owner, not writable by
 * group or others, not a symlink). 1 with OUT filled, 0 if DIR is missing
 * and MAY_BE_MISSING, -1 with "DIR: reason".
 */
int conf_list_dropins(const char *dir, uid_t owner, bool may_be_missing,
		      struct conf_names *out, struct amb_error *err);
void conf_free_names(struct conf_names *names);

#endif
