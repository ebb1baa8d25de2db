#include "config.h"
#include "user.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t nss_bufsize(int which)
{
	long n = sysconf(which);

	return n > 0 ? (size_t)n : 16384;
}

int user_lookup(const char *name, struct amb_user *u, struct amb_error *err)
{
	struct passwd pw, *res = NULL;
	size_t size = nss_bufsize(_SC_GETPW_R_SIZE_MAX);
	char *buf = NULL;
	int rc;

	memset(u, 0, sizeof(*u));
	if (name == NULL || name[0] == '\0' || strlen(name) > USER_MAX_NAME)
		return 0;
	for (;;) {
		char *nbuf = realloc(buf, size);

		if (nbuf == NULL) {
			free(buf);
			amb_error_set(err, "out of memory");
			return -1;
		}
		buf = nbuf;
		rc = getpwnam_r(name, &pw, buf, size, &res);
		if (rc != ERANGE || size > (1u << 20))
			break;
		size *= 2;
	}
	if (res == NULL) {
		free(buf);
		if (rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM)
			return 0;
		amb_error_set(err, "cannot look up user '%s': %s", name, strerror(rc));
		return -1;
	}
	u->name = strdup(pw.pw_name);
	u->home = strdup(pw.pw_dir ? pw.pw_dir : "/");
	u->shell = strdup(pw.pw_shell && pw.pw_shell[0] ? pw.pw_shell : "/bin/sh");
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	free(buf);
	if (u->name == NULL || u->home == NULL || u->shell == NULL) {
		user_free(u);
		amb_error_set(err, "out of memory");
		return -1;
	}
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* gid -> name; NULL if the group has no name (not an error). */
static char *group_name(gid_t gid, char **buf, size_t *size, int *error)
{
	struct group gr, *res = NULL;
	int rc;

	for (;;) {
		rc = getgrgid_r(gid, &gr, *buf, *size, &res);
		if (rc != ERANGE || *size > (1u << 24))
			break;
		char *nbuf = realloc(*buf, *size * 2);
		if (nbuf == NULL) {
			*error = ENOMEM;
			return NULL;
		}
		*buf = nbuf;
		*size *= 2;
	}
	if (res == NULL) {
		if (rc != 0 && rc != ENOENT && rc != ESRCH)
			*error = rc;
		return NULL;
	}
	char *name = strdup(gr.gr_name);
	if (name == NULL)
		*error = ENOMEM;
	return name;
}

static int load_groups(struct amb_user *u)
{
	int n = 64;
	gid_t *gids = NULL;
	size_t size = nss_bufsize(_SC_GETGR_R_SIZE_MAX);
	char *buf = NULL;
	int error = 0;

	for (;;) {
		int want = n;
		gid_t *ngids = realloc(gids, (size_t)n * sizeof(*gids));

		if (ngids == NULL) {
			error = ENOMEM;
			goto out;
		}
		gids = ngids;
		if (getgrouplist(u->name, u->gid, gids, &n) >= 0)
			break;
		if (n <= want)
			n = want * 2;
		if (n > 1 << 20) {
			error = E2BIG;
			goto out;
		}
	}
	u->groups = calloc((size_t)n + 1, sizeof(*u->groups));
	buf = malloc(size);
	if (u->groups == NULL || buf == NULL) {
		error = ENOMEM;
		goto out;
	}
	for (int i = 0; i < n && error == 0; i++) {
		char *name = group_name(gids[i], &buf, &size, &error);

		if (name != NULL)
			u->groups[u->ngroups++] = name;
	}
	if (u->ngroups > 1)
		qsort(u->groups, u->ngroups, sizeof(*u->groups), cmp_str);
out:
	free(gids);
	free(buf);
	if (error != 0) {
		strncpy(u->groups_err, strerror(error), sizeof(u->groups_err) - 1);
		return -1;
	}
	return 0;
}

int user_in_group(void *ctx, const char *group)
{
	struct amb_user *u = ctx;

	if (!u->groups_done) {
		u->groups_done = true;
		u->groups_rc = load_groups(u);
	}
	if (u->groups_rc != 0)
		return -1;
	return bsearch(&group, u->groups, u->ngroups, sizeof(*u->groups), cmp_str) != NULL;
}

void user_free(struct amb_user *u)
{
	if (u->groups) {
		for (size_t i = 0; i < u->ngroups; i++)
			free(u->groups[i]);
		free(u->groups);
	}
	free(u->name);
	free(u->home);
	free(u->shell);
	memset(u, 0, sizeof(*u));
}
