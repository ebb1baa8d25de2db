#include "config.h"
#include "user.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
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
			amb_error_nomem(err, NULL);
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
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	free(buf);
	if (u->name == NULL) {
		user_free(u);
		amb_error_nomem(err, NULL);
		return -1;
	}
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * getgrnam_r (NAME) or getgrgid_r (GID, when NAME is NULL), the buffer grown
 * as needed: 1 found, 0 no such group, or -errno.
 */
static int group_lookup(const char *name, gid_t gid, struct group *gr, char **buf, size_t *size)
{
	struct group *res = NULL;
	int rc;

	for (;;) {
		rc = name ? getgrnam_r(name, gr, *buf, *size, &res)
			  : getgrgid_r(gid, gr, *buf, *size, &res);
		if (rc != ERANGE || *size > (1u << 24))
			break;
		char *nbuf = realloc(*buf, *size * 2);
		if (nbuf == NULL)
			return -ENOMEM;
		*buf = nbuf;
		*size *= 2;
	}
	if (res != NULL)
		return 1;
	return (rc == 0 || rc == ENOENT || rc == ESRCH) ? 0 : -rc;
}

static int cmp_gid(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return x < y ? -1 : x > y;
}

static void set_groups_error(struct amb_user *u, int error)
{
	u->groups_rc = -1;
	u->groups_errno = error;
	snprintf(u->groups_err, sizeof(u->groups_err), "%s", strerror(error));
}

/* The user's gids, primary included: one getgrouplist, once. */
static int load_gids(struct amb_user *u)
{
	int n = 64;

	if (u->gids_done)
		return u->groups_rc;
	u->gids_done = true;
	for (;;) {
		int want = n;
		gid_t *ngids = realloc(u->gids, (size_t)n * sizeof(*u->gids));

		if (ngids == NULL) {
			set_groups_error(u, ENOMEM);
			return -1;
		}
		u->gids = ngids;
		if (getgrouplist(u->name, u->gid, u->gids, &n) >= 0)
			break;
		if (n <= want)
			n = want * 2;
		if (n > 1 << 20) {
			set_groups_error(u, E2BIG);
			return -1;
		}
	}
	u->ngids = (size_t)n;
	qsort(u->gids, u->ngids, sizeof(*u->gids), cmp_gid);
	return 0;
}

/*
 * A group name's short form, for finding candidates only: NSS providers may
 * fold case (SSSD's case_sensitive = false, nslcd's ignorecase) or qualify
 * names ("ops@example.com", "EXAMPLE\ops"). The short form is the part
 * after the last '\' and before the next '@' (*LEN bytes, returned), ASCII
 * letters compared as lower case (key_byte).
 */
static const char *short_part(const char *name, size_t *len)
{
	const char *s = strrchr(name, '\\');

	s = s ? s + 1 : name;
	*len = strcspn(s, "@");
	return s;
}

static unsigned char key_byte(char c)
{
	return (unsigned char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
}

/* NAME's short form, lower-cased, as a string to keep (NULL: out of memory). */
static char *short_key(const char *name)
{
	size_t len;
	const char *s = short_part(name, &len);
	char *key = malloc(len + 1);

	if (key == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++)
		key[i] = (char)key_byte(s[i]);
	key[len] = '\0';
	return key;
}

/* Short keys of the user's groups (one getgrgid_r per group), once, sorted. */
static int load_group_keys(struct amb_user *u)
{
	size_t size = nss_bufsize(_SC_GETGR_R_SIZE_MAX);
	char *buf;
	int error = 0;

	if (u->groups_done)
		return u->groups_rc;
	u->groups_done = true;
	u->groups = calloc(u->ngids + 1, sizeof(*u->groups));
	buf = malloc(size);
	if (u->groups == NULL || buf == NULL) {
		free(buf);
		set_groups_error(u, ENOMEM);
		return -1;
	}
	for (size_t i = 0; i < u->ngids && error == 0; i++) {
		struct group gr;
		int rc = group_lookup(NULL, u->gids[i], &gr, &buf, &size);
		char *key;

		if (rc == -ENOMEM)
			error = ENOMEM;
		if (rc < 0)
			u->unnamed++; /* NSS could not name it: looked at by name instead */
		if (rc != 1)
			continue; /* a gid without a name is no error */
		key = short_key(gr.gr_name);
		if (key == NULL)
			error = ENOMEM;
		else
			u->groups[u->ngroups++] = key;
	}
	free(buf);
	if (error != 0) {
		set_groups_error(u, error);
		return -1;
	}
	if (u->ngroups > 1)
		qsort(u->groups, u->ngroups, sizeof(*u->groups), cmp_str);
	return 0;
}

/* A name (NAME) against a kept short key (*KEY), as short_key would make it, without copying. */
static int cmp_name_key(const void *name, const void *key)
{
	size_t len;
	const char *s = short_part(name, &len);
	const unsigned char *k = *(const unsigned char *const *)key;

	for (size_t i = 0; i < len; i++)
		if (key_byte(s[i]) != k[i])
			return (int)key_byte(s[i]) - k[i];
	return -(int)k[len];
}

/* May NAME denote one of the user's groups? (Over-inclusive; never decides.) */
static bool candidate(const struct amb_user *u, const char *name)
{
	return bsearch(name, u->groups, u->ngroups, sizeof(*u->groups), cmp_name_key) != NULL;
}

/* The rule: is NSS's gid for group NAME one of U's? 1 or 0, MATCH_UNKNOWN
 * (no such group), or MATCH_ERROR with *ERROR set. */
static int member_by_gid(const struct amb_user *u, const char *name, char **buf, size_t *size,
			 int *error)
{
	struct group gr;
	int rc = group_lookup(name, 0, &gr, buf, size);

	if (rc < 0) {
		*error = -rc;
		return MATCH_ERROR;
	}
	if (rc == 0)
		return MATCH_UNKNOWN;
	return bsearch(&gr.gr_gid, u->gids, u->ngids, sizeof(*u->gids), cmp_gid) != NULL;
}

/*
 * One rule, by gid: the user is in group NAME when NSS's gid for NAME is one
 * of the user's gids. What is asked of NSS is chosen by cost, never changing
 * the answer:
 *  - a 'none' line's name is always looked up, so that a veto naming a group
 *    NSS does not know fails closed, and it also covers her when one of her
 *    groups bears that name up to case and a domain part (another group of
 *    the same name: a local entry over a directory's);
 *  - a grant line's name is looked up directly when there are fewer such
 *    names than groups of the user, else each of her groups is named and a
 *    name looked up only when it may be one of hers (same up to case and a
 *    domain part). Each lookup the provider's cache cannot answer is a
 *    directory search (measured with SSSD 2.8: the groups the login's
 *    initgroups fetched are not answered from its cache by gid, so naming
 *    them costs a search each when the cache is cold), so the fewer wins.
 */
int user_groups_member(void *ctx, const char *const *names, const unsigned char *veto, size_t n,
		       unsigned char *member)
{
	struct amb_user *u = ctx;
	size_t size = nss_bufsize(_SC_GETGR_R_SIZE_MAX), grants = 0;
	char *buf = NULL;
	bool by_her_groups;
	int error = 0;

	memset(member, 0, n);
	if (n == 0)
		return 0;
	if (load_gids(u) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		grants += !veto[i];
	by_her_groups = grants > 0 && grants >= u->ngids;
	for (size_t i = 0; i < n; i++) {
		bool named = false;
		int r;

		if (veto[i] || by_her_groups) {
			if (load_group_keys(u) != 0) {
				free(buf);
				return -1;
			}
			named = candidate(u, names[i]);
			/* a grant's name that cannot be hers is not looked up */
			if (!veto[i] && !named && u->unnamed == 0)
				continue;
		}
		if (buf == NULL && (buf = malloc(size)) == NULL) {
			error = ENOMEM;
			break;
		}
		r = member_by_gid(u, names[i], &buf, &size, &error);
		if (r == MATCH_ERROR)
			break;
		if (r == MATCH_UNKNOWN)
			member[i] = veto[i] ? MATCH_MEMBER_UNKNOWN : 0;
		else
			member[i] = (unsigned char)r;
		/* a veto also covers her when one of her groups bears its name
		 * (two groups of one name, as a local entry over a directory's) */
		if (veto[i] && named)
			member[i] = 1;
	}
	free(buf);
	if (error != 0) {
		set_groups_error(u, error);
		return -1;
	}
	return 0;
}

int user_in_group(void *ctx, const char *group)
{
	static const unsigned char exact = 1;
	unsigned char member = 0;

	if (user_groups_member(ctx, &group, &exact, 1, &member) != 0)
		return MATCH_ERROR;
	return member == MATCH_MEMBER_UNKNOWN ? MATCH_UNKNOWN : member;
}

void user_free(struct amb_user *u)
{
	free(u->gids);
	if (u->groups) {
		for (size_t i = 0; i < u->ngroups; i++)
			free(u->groups[i]);
		free(u->groups);
	}
	free(u->name);
	memset(u, 0, sizeof(*u));
}

void user_matcher(struct amb_user *u, struct match_user *mu)
{
	match_user_init(mu, u->name, user_in_group, u);
	mu->resolve = user_groups_member;
}
