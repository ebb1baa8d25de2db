/*
 * Reading ambcaps.conf and its drop-ins safely: the path walked from "/",
 * every directory and file checked on its descriptor, read in chunks, each
 * chunk's whole lines handed to the parser (conf_parse.c). Fail closed: the
 * first problem in any file stops the whole load with "file:line: reason".
 */
#include "config.h"
#include "conf.h"
#include "conf_parse.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* Who a file must belong to, for messages: the module always asks for root. */
static const char *owner_name(uid_t owner)
{
	return owner == 0 ? "root" : "the expected owner";
}

static int check_dir_st(const struct stat *st, const char *dir, uid_t owner,
			struct amb_error *err)
{
	if (!S_ISDIR(st->st_mode)) {
		amb_error_set(err, "%s: not a directory", dir);
		return -1;
	}
	if (st->st_uid != owner) {
		amb_error_set(err, "%s: directory is owned by uid %u, not %s", dir,
			      (unsigned)st->st_uid, owner_name(owner));
		return -1;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		amb_error_set(err, "%s: directory is writable by group or others (mode %04o)",
			      dir, (unsigned)(st->st_mode & 07777));
		return -1;
	}
	return 0;
}

/* A directory above the one read (ST): root's (or OWNER's), and writable by nobody else unless sticky. */
static int check_ancestor(const struct stat *st, const char *dir, const char *walked, uid_t owner,
			  struct amb_error *err)
{
	if (st->st_uid != 0 && st->st_uid != owner) {
		amb_error_set(err, "%s: directory %s above it is owned by uid %u, not %s", dir,
			      walked, (unsigned)st->st_uid, owner_name(owner));
		return -1;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(st->st_mode & S_ISVTX)) {
		amb_error_set(err, "%s: directory %s above it is writable by group or others (mode %04o)",
			      dir, walked, (unsigned)(st->st_mode & 07777));
		return -1;
	}
	return 0;
}

#define MAX_LINKS 32

/* "/" as the walk starts from it: an O_PATH descriptor and its stat (ST), or -1 with ERR. */
static int open_root(const char *dir, struct stat *st, struct amb_error *err)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, st) != 0) {
		amb_error_set(err, "%s: cannot open /: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * Open and check DIR by walking it from "/" one name at a time, each with
 * O_PATH | O_NOFOLLOW, so that what is checked is what is opened: every
 * directory on the way must pass check_ancestor (in a sticky directory
 * only an entry's owner may rename it, and the next directory down must be
 * root's again), DIR itself check_dir_st. A symbolic link on the way is
 * followed only if root (or OWNER) owns it; with NOFOLLOW, DIR itself may
 * not be one. READABLE: a descriptor DIR can be listed through (else an
 * O_PATH one, enough to open files in it). fd, -2 if missing and allowed,
 * -1 with ERR.
 */
static int open_dir(const char *dir, uid_t owner, bool may_be_missing, bool nofollow,
		    bool readable, struct amb_error *err)
{
	char path[4096], walked[4096] = "/", target[4096], next[4096];
	char *p = path;
	struct stat st;
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
	fd = open_root(dir, &st, err);
	if (fd < 0)
		return -1;
	/* ST is always the directory FD stands for */
	for (;;) {
		char *name, *rest;
		struct stat nst;
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
		if (check_ancestor(&st, dir, walked, owner, err) != 0)
			goto fail;
		nfd = openat(fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			if (errno == ENOENT && may_be_missing) {
				close(fd);
				return -2;
			}
			amb_error_set(err, "%s: cannot open directory: %s", dir, strerror(errno));
			goto fail;
		}
		if (fstat(nfd, &nst) != 0) {
			amb_error_set(err, "%s: cannot stat: %s", dir, strerror(errno));
			close(nfd);
			goto fail;
		}
		if (S_ISLNK(nst.st_mode)) {
			ssize_t n;

			if (last && nofollow) {
				amb_error_set(err, "%s: is a symbolic link", dir);
				close(nfd);
				goto fail;
			}
			if (nst.st_uid != 0 && nst.st_uid != owner) {
				amb_error_set(err, "%s: symbolic link %s%s%s on the way is owned by uid %u, not %s",
					      dir, walked, strcmp(walked, "/") ? "/" : "", name,
					      (unsigned)nst.st_uid, owner_name(owner));
				close(nfd);
				goto fail;
			}
			n = readlinkat(nfd, "", target, sizeof(target) - 1);
			close(nfd);
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
				fd = open_root(dir, &st, err);
				if (fd < 0)
					return -1;
				snprintf(walked, sizeof(walked), "/");
			}
			continue;
		}
		if (!S_ISDIR(nst.st_mode)) {
			amb_error_set(err, "%s: cannot open directory: %s", dir, strerror(ENOTDIR));
			close(nfd);
			goto fail;
		}
		close(fd);
		fd = nfd;
		st = nst;
		{
			size_t w = strlen(walked);

			/* only for messages: a path cut short there is fine */
			if (snprintf(walked + w, sizeof(walked) - w, "%s%s", w > 1 ? "/" : "", name) < 0)
				walked[w] = '\0';
		}
	}
	/* DIR itself: its own checks, and a descriptor to read it through when asked */
	if (check_dir_st(&st, dir, owner, err) != 0)
		goto fail;
	if (readable) {
		int rfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		close(fd);
		if (rfd < 0) {
			amb_error_set(err, "%s: cannot open directory: %s", dir, strerror(errno));
			return -1;
		}
		return rfd;
	}
	return fd;
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
	struct conf_parser ps;
	char *buf;
	size_t have = 0, total = 0;
	int rc = 0;

	if (conf_parser_init(&ps, path, err) != 0)
		return -1;
	buf = malloc(READ_CHUNK + 1);
	if (buf == NULL) {
		conf_parser_free(&ps);
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
				rc = conf_parser_feed(&ps, buf, have, true, fn, ctx, err);
				if (rc == 0 && n != 0) {
					amb_error_set(err, "%s:%u: line is longer than %u bytes", path,
						      ps.line + 1, CONF_MAX_LINE);
					rc = -1;
				}
				break;
			}
			upto = (size_t)(nl + 1 - buf);
			rc = conf_parser_feed(&ps, buf, upto, false, fn, ctx, err);
			if (rc != 0)
				break;
			memmove(buf, buf + upto, have - upto);
			have -= upto;
		}
	}
	free(buf);
	conf_parser_free(&ps);
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
	dfd = open_dir(dir, owner, may_be_missing, false, false, err);
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

static bool has_unsafe_byte(const char *name)
{
	for (; *name; name++)
		if (amb_unsafe_byte(*name))
			return true;
	return false;
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
		if (want && has_unsafe_byte(de->d_name)) {
			/* it would go into every message about the file: refused, not read */
			amb_error_set(err, "%s: drop-in '%s' has a byte other than printable ASCII in "
					   "its name (shown as '?'); rename it", dir, de->d_name);
			goto fail;
		}
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
		if (!want)
			amb_scrub(out->ignored[out->nignored - 1]); /* only ever shown */
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
	int dfd = open_dir(dir, owner, may_be_missing, true, true, err);
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
	dfd = open_dir(src->dir, src->owner, src->dir_optional, true, true, err);
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
