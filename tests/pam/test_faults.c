/*
 * Faults through the module's real entry points (in the style of pam-u2f's
 * fuzz/wrap.c). The hooks' code (libambcaps_pam.la and libambcaps.la) is
 * linked into this program with -Wl,--wrap, so that every call the module
 * makes to malloc, calloc, realloc, strdup, strndup, free, open, openat,
 * read, getpwnam_r, getgrouplist, getgrnam_r, getgrgid_r and pam_set_data
 * comes here first. The transaction is libpam's (pam_start_confdir,
 * pam_setcred, pam_open_session, pam_close_session, pam_setcred with
 * PAM_DELETE_CRED, pam_end): its service stacks tests/pam/faultshim.so,
 * whose hooks call this program's faults_* and so the real pam_sm_setcred,
 * pam_sm_open_session and pam_sm_close_session, under libpam's dispatch, in
 * a user namespace with nss_wrapper's users (test_faults.sh, and
 * test_faults_su.sh where this program stands in for /usr/bin/su: the
 * deferred path).
 *
 * The schedule, per scenario (a user and a configuration with drop-ins):
 * a clean run counts K, the calls that can fail, and gives the reference
 * sets; then for N = 1..K the Nth call fails ("nth", hard errors: ENOMEM,
 * EIO, NSS EIO, pam_set_data PAM_BUF_ERR), the Nth and every later one
 * fails ("from", hard), and the Nth fails softly ("soft": NSS ERANGE, read
 * EINTR, getgrouplist "too small"; allocations as hard); then SEEDS random
 * runs where each call fails with probability 1/RATE (seeds 1..SEEDS, the
 * variant drawn from the same generator). Each run is a fresh child; after
 * every hook it must hold:
 *   - the hook returned a PAM code its man page names (close: PAM_SUCCESS,
 *     setcred with PAM_DELETE_CRED: PAM_IGNORE), and the child did not crash;
 *   - the inheritable and ambient sets hold nothing the clean run did not
 *     hold at the same point (the sets start as {cap_sys_admin}, which a
 *     non-root user is never granted), and a hook that failed (not
 *     PAM_SUCCESS or PAM_IGNORE) left a non-root target nothing at all;
 *   - a failure that only allocations made (or pam_set_data, whose only
 *     failure is out of memory) answers PAM_BUF_ERR, never another error;
 *   - after close_session and pam_end: no more than the sets the session
 *     found, KEEPCAPS off, every allocation of the module freed and no file
 *     descriptor left open.
 *
 * Reproduce one run, with the module's log lines:
 *   cd _build/main && tests/pam/test_faults.sh SCENARIO nth|from|soft N
 *   cd _build/main && tests/pam/test_faults.sh SCENARIO seed S
 * (test_faults_su.sh the same for the deferred path). AMBCAPS_FAULT_SEEDS
 * and AMBCAPS_FAULT_RATE change the random part (default 40 and 6).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include <security/pam_appl.h>
#include <security/pam_modules.h>

#include "harness.h"

/* ---- the schedule ---- */

enum fault_kind { F_ALLOC, F_OPEN, F_READ, F_NSS, F_PAMDATA, F_KINDS };

static struct {
	bool armed;
	long calls;    /* calls that could fail, since the run started */
	long nth;      /* fail this one (0: none) */
	bool from;     /* and every later one */
	bool soft;     /* the soft variant of each error */
	uint64_t rng;  /* random runs: xorshift64* state (0: not random) */
	unsigned rate; /* random runs: fail with probability 1/rate */
	unsigned injected[F_KINDS];
	unsigned seen[F_KINDS]; /* calls that could fail, by kind */
} F;

static uint64_t next_rand(void)
{
	F.rng ^= F.rng >> 12;
	F.rng ^= F.rng << 25;
	F.rng ^= F.rng >> 27;
	return F.rng * 2685821657736338717ULL;
}

/* Whether this call fails; *SOFT (may be NULL) the variant. */
static bool inject(enum fault_kind k, bool *soft)
{
	bool fail = false;
	long n;

	if (!F.armed)
		return false;
	n = ++F.calls;
	F.seen[k]++;
	if (F.rng) {
		uint64_t r = next_rand();

		fail = r % F.rate == 0;
		if (soft)
			*soft = (r >> 32) & 1;
	} else if (F.nth) {
		fail = F.from ? n >= F.nth : n == F.nth;
		if (soft)
			*soft = F.soft;
	}
	if (fail)
		F.injected[k]++;
	return fail;
}

/* ---- live allocations of the module (made while armed) ---- */

#define MAX_LIVE 8192
static void *live[MAX_LIVE];
static size_t nlive;
static bool live_overflow;

static void track(void *p)
{
	if (p == NULL || !F.armed)
		return;
	if (nlive == MAX_LIVE) {
		live_overflow = true;
		return;
	}
	live[nlive++] = p;
}

static void untrack(void *p)
{
	for (size_t i = nlive; p != NULL && i-- > 0;)
		if (live[i] == p) {
			live[i] = live[--nlive];
			return;
		}
}

/* ---- the wrappers (-Wl,--wrap=NAME: the module's NAME is __wrap_NAME) ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void __real_free(void *p);
int __real_open(const char *path, int flags, ...);
int __real_openat(int dfd, const char *path, int flags, ...);
ssize_t __real_read(int fd, void *buf, size_t n);
int __real_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size,
		      struct passwd **res);
int __real_getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups);
int __real_getgrnam_r(const char *name, struct group *gr, char *buf, size_t size,
		      struct group **res);
int __real_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t size, struct group **res);
int __real_pam_set_data(pam_handle_t *pamh, const char *name, void *data,
			void (*cleanup)(pam_handle_t *, void *, int));

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void __wrap_free(void *p);
int __wrap_open(const char *path, int flags, ...);
int __wrap_openat(int dfd, const char *path, int flags, ...);
ssize_t __wrap_read(int fd, void *buf, size_t n);
int __wrap_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size,
		      struct passwd **res);
int __wrap_getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups);
int __wrap_getgrnam_r(const char *name, struct group *gr, char *buf, size_t size,
		      struct group **res);
int __wrap_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t size, struct group **res);
int __wrap_pam_set_data(pam_handle_t *pamh, const char *name, void *data,
			void (*cleanup)(pam_handle_t *, void *, int));

void *__wrap_malloc(size_t n)
{
	void *p;

	if (inject(F_ALLOC, NULL)) {
		errno = ENOMEM;
		return NULL;
	}
	p = __real_malloc(n);
	track(p);
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	void *p;

	if (inject(F_ALLOC, NULL)) {
		errno = ENOMEM;
		return NULL;
	}
	p = __real_calloc(n, size);
	track(p);
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	void *q;

	if (inject(F_ALLOC, NULL)) {
		errno = ENOMEM;
		return NULL; /* P stays the caller's */
	}
	q = __real_realloc(p, n);
	if (q != NULL) {
		untrack(p);
		track(q);
	}
	return q;
}

char *__wrap_strdup(const char *s)
{
	char *p;

	if (inject(F_ALLOC, NULL)) {
		errno = ENOMEM;
		return NULL;
	}
	p = __real_strdup(s);
	track(p);
	return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
	char *p;

	if (inject(F_ALLOC, NULL)) {
		errno = ENOMEM;
		return NULL;
	}
	p = __real_strndup(s, n);
	track(p);
	return p;
}

void __wrap_free(void *p)
{
	untrack(p);
	__real_free(p);
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int __wrap_open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	if (inject(F_OPEN, NULL)) {
		errno = EIO;
		return -1;
	}
	return __real_open(path, flags, mode);
}

int __wrap_openat(int dfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	if (inject(F_OPEN, NULL)) {
		errno = EIO;
		return -1;
	}
	return __real_openat(dfd, path, flags, mode);
}

ssize_t __wrap_read(int fd, void *buf, size_t n)
{
	bool soft = false;

	if (inject(F_READ, &soft)) {
		errno = soft ? EINTR : EIO;
		return -1;
	}
	return __real_read(fd, buf, n);
}

int __wrap_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size,
		      struct passwd **res)
{
	bool soft = false;

	if (inject(F_NSS, &soft)) {
		*res = NULL;
		return soft ? ERANGE : EIO;
	}
	return __real_getpwnam_r(name, pw, buf, size, res);
}

int __wrap_getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups)
{
	bool soft = false;

	if (inject(F_NSS, &soft)) {
		/* hard: "too small" without saying how large; soft: one more than given */
		if (soft)
			(*ngroups)++;
		return -1;
	}
	return __real_getgrouplist(user, group, groups, ngroups);
}

int __wrap_getgrnam_r(const char *name, struct group *gr, char *buf, size_t size,
		      struct group **res)
{
	bool soft = false;

	if (inject(F_NSS, &soft)) {
		*res = NULL;
		return soft ? ERANGE : EIO;
	}
	return __real_getgrnam_r(name, gr, buf, size, res);
}

int __wrap_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t size, struct group **res)
{
	bool soft = false;

	if (inject(F_NSS, &soft)) {
		*res = NULL;
		return soft ? ERANGE : EIO;
	}
	return __real_getgrgid_r(gid, gr, buf, size, res);
}

int __wrap_pam_set_data(pam_handle_t *pamh, const char *name, void *data,
			void (*cleanup)(pam_handle_t *, void *, int))
{
	if (inject(F_PAMDATA, NULL))
		return PAM_BUF_ERR; /* libpam's only failure here: out of memory */
	return __real_pam_set_data(pamh, name, data, cleanup);
}

/* ---- scenarios ---- */

struct scenario {
	const char *name, *user;
	bool root; /* the target is root: its inheritable set is only added to */
};

static const struct scenario scenarios[] = {
	{ "alice", "alice", false },     /* by name, and caps= */
	{ "bob", "bob", false },         /* through groups: one getgrgid_r per group of his */
	{ "dave", "dave", false },       /* 301 groups: one getgrnam_r per name */
	{ "mallory", "mallory", false }, /* vetoed by a 'none' line */
	{ "root", "root", true },
	{ "nosuchuser", "nosuchuser", false },
};
#define NSCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

static char confdir[600], svcdir[600], conf_opt[900], dropin_opt[900];
static const char *service = "faults";

static void setup_files(void)
{
	char path[800], text[8192], cwd[512];
	const char *dir = h_newdir(), *builddir = getenv("AMBCAPS_BUILDDIR");

	if (builddir == NULL)
		builddir = getcwd(cwd, sizeof(cwd)) ? cwd : ".";

	snprintf(path, sizeof(path), "%s/ambcaps.conf", dir);
	/* more than USER_NAME_LOOKUPS group names, more than bob's groups, fewer than dave's */
	h_write(path,
		"# the main file\n"
		"cap_net_bind_service  alice @webdevs\n"
		"cap_net_raw           bob\n"
		"cap_sys_time          @g1 @g2 @g3 @g4 @g5 @g6 @g7 @g8 @g9 @netops\n"
		"cap_net_admin         root\n"
		"none                  mallory\n", 0644);
	snprintf(conf_opt, sizeof(conf_opt), "conf=%s", path);
	snprintf(confdir, sizeof(confdir), "%s/ambcaps.d", dir);
	if (mkdir(confdir, 0755) != 0)
		exit(99);
	snprintf(path, sizeof(path), "%s/10-web.conf", confdir);
	h_write(path, "cap_chown @webdevs dave\n", 0644);
	snprintf(path, sizeof(path), "%s/20-more.conf", confdir);
	h_write(path, "cap_kill mallory alice\ncap_fowner @nosuchgroup\n", 0644);
	snprintf(dropin_opt, sizeof(dropin_opt), "confdir=%s", confdir);
	snprintf(svcdir, sizeof(svcdir), "%s", h_newdir());
	snprintf(path, sizeof(path), "%s/%s", svcdir, service);
	snprintf(text, sizeof(text),
		 "auth required %s/tests/pam/.libs/faultshim.so %s %s caps=cap_sys_nice\n"
		 "session required %s/tests/pam/.libs/faultshim.so %s %s caps=cap_sys_nice\n",
		 builddir, conf_opt, dropin_opt, builddir, conf_opt, dropin_opt);
	h_write(path, text, 0644);
	snprintf(text, sizeof(text), "%s/other", svcdir);
	h_write(text, "auth required pam_deny.so\nsession required pam_deny.so\n", 0644);
}

/* ---- one run ---- */

enum { P_CRED, P_OPEN, P_CLOSE, P_NPOINTS };
static const char *const point_names[] = { "setcred", "open_session", "close_session" };

struct observed {
	mask_t inh[P_NPOINTS], amb[P_NPOINTS];
	int rc[P_NPOINTS];
	unsigned seen[F_KINDS];
};

static struct observed reference;
static bool verbose;

/*
 * This process's descriptors as a bit set (below 256), without those of
 * nss_wrapper, which keeps its passwd and group files open once read.
 */
struct fdset {
	uint64_t bits[4];
};

static void list_fds(struct fdset *set)
{
	const char *pw = getenv("NSS_WRAPPER_PASSWD"), *gr = getenv("NSS_WRAPPER_GROUP");
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	memset(set, 0, sizeof(*set));
	if (d == NULL)
		exit(99);
	while ((de = readdir(d)) != NULL) {
		char link[64], target[1024];
		int fd = atoi(de->d_name);
		ssize_t n;

		if (de->d_name[0] == '.' || fd == dirfd(d) || fd >= 256)
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if ((pw && strcmp(target, pw) == 0) || (gr && strcmp(target, gr) == 0))
			continue;
		set->bits[fd / 64] |= (uint64_t)1 << (fd % 64);
	}
	closedir(d);
}

static int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
}

static bool defined_code(int point, int rc)
{
	switch (rc) {
	case PAM_SUCCESS:
		return true;
	case PAM_IGNORE:
	case PAM_USER_UNKNOWN:
	case PAM_SERVICE_ERR:
	case PAM_BUF_ERR:
		return point != P_CLOSE;
	case PAM_CRED_ERR:
		return point == P_CRED;
	case PAM_SESSION_ERR:
		return point == P_OPEN;
	}
	return false;
}

/* The checks after one hook. */
static void check_point(const struct scenario *sc, int point, int rc, const unsigned *before,
			struct observed *o, bool clean)
{
	bool only_oom = true, any = false;

	o->rc[point] = rc;
	o->inh[point] = h_self_mask("CapInh");
	o->amb[point] = h_self_mask("CapAmb");
	for (int k = 0; k < F_KINDS; k++) {
		unsigned d = F.injected[k] - before[k];

		any |= d != 0;
		if (d && k != F_ALLOC && k != F_PAMDATA)
			only_oom = false;
	}
	if (!defined_code(point, rc))
		fail("%s returned %d (%s), not a code pam_ambcaps(8) names", point_names[point], rc,
		     pam_strerror(NULL, rc));
	if (clean) {
		/* the reference itself: what the session found is never a non-root user's */
		if (!sc->root && ((o->inh[point] | o->amb[point]) & BIT(CAP_SYS_ADMIN)))
			fail("%s: cap_sys_admin, which the session found, is still there",
			     point_names[point]);
		return;
	}
	if (o->inh[point] & ~reference.inh[point])
		fail("%s: inheritable set %#llx holds more than without a fault (%#llx)",
		     point_names[point], (unsigned long long)o->inh[point],
		     (unsigned long long)reference.inh[point]);
	if (o->amb[point] & ~reference.amb[point])
		fail("%s: ambient set %#llx holds more than without a fault (%#llx)",
		     point_names[point], (unsigned long long)o->amb[point],
		     (unsigned long long)reference.amb[point]);
	if (point != P_CLOSE && rc != PAM_SUCCESS && rc != PAM_IGNORE && !sc->root &&
	    (o->inh[point] || o->amb[point]))
		fail("%s failed (%s) but left inheritable %#llx, ambient %#llx", point_names[point],
		     pam_strerror(NULL, rc), (unsigned long long)o->inh[point],
		     (unsigned long long)o->amb[point]);
	/* an error the clean run gave too is not the fault's */
	if (any && only_oom && rc != PAM_SUCCESS && rc != PAM_IGNORE && rc != PAM_BUF_ERR &&
	    rc != reference.rc[point])
		fail("%s: out of memory answered %s, not PAM_BUF_ERR", point_names[point],
		     pam_strerror(NULL, rc));
}

/* ---- the hooks libpam reaches through faultshim.so ---- */

#define NOT_CALLED (-1000)
static int hook_rc = NOT_CALLED;

int faults_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv);
int faults_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv);
int faults_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv);

int faults_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	F.armed = true;
	hook_rc = pam_sm_setcred(pamh, flags, argc, argv);
	F.armed = false;
	return hook_rc;
}

int faults_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	F.armed = true;
	hook_rc = pam_sm_open_session(pamh, flags, argc, argv);
	F.armed = false;
	return hook_rc;
}

int faults_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	F.armed = true;
	hook_rc = pam_sm_close_session(pamh, flags, argc, argv);
	F.armed = false;
	return hook_rc;
}

/* In a child: the scenario's transaction under the schedule in F. Exits 0 when every check held. */
static void run_child(const struct scenario *sc, bool clean, int outfd)
{
	struct pam_conv conv = { h_conv, NULL };
	pam_handle_t *pamh = NULL;
	struct observed o;
	unsigned before[F_KINDS];
	struct fdset fds_before, fds_after;

	memset(&o, 0, sizeof(o));
	h_reset_caps();
	h_raise(CAP_SYS_ADMIN); /* what the session finds: never granted to a non-root user */
	h_log_take();
	if (pam_start_confdir(service, sc->user, &conv, svcdir, &pamh) != PAM_SUCCESS)
		_exit(99);
	list_fds(&fds_before);

	memcpy(before, F.injected, sizeof(before));
	hook_rc = NOT_CALLED;
	pam_setcred(pamh, PAM_ESTABLISH_CRED);
	check_point(sc, P_CRED, hook_rc, before, &o, clean);

	memcpy(before, F.injected, sizeof(before));
	hook_rc = NOT_CALLED;
	pam_open_session(pamh, 0);
	check_point(sc, P_OPEN, hook_rc, before, &o, clean);

	memcpy(before, F.injected, sizeof(before));
	hook_rc = NOT_CALLED;
	pam_close_session(pamh, 0);
	check_point(sc, P_CLOSE, hook_rc, before, &o, clean);
	if (hook_rc != PAM_SUCCESS)
		fail("close_session returned %d (%s)", hook_rc, pam_strerror(NULL, hook_rc));
	/* close_session gives back the sets open_session found (setcred's grant stays) */
	if ((o.inh[P_CLOSE] | o.amb[P_CLOSE]) & ~(o.inh[P_CRED] | BIT(CAP_SYS_ADMIN)))
		fail("after close_session: inheritable %#llx, ambient %#llx, more than the session found",
		     (unsigned long long)o.inh[P_CLOSE], (unsigned long long)o.amb[P_CLOSE]);

	hook_rc = NOT_CALLED;
	pam_setcred(pamh, PAM_DELETE_CRED);
	if (hook_rc != PAM_IGNORE)
		fail("setcred(PAM_DELETE_CRED) returned %d (%s)", hook_rc, pam_strerror(NULL, hook_rc));
	F.armed = true; /* the module's cleanups run in pam_end */
	pam_end(pamh, PAM_SUCCESS);
	F.armed = false;

	if (prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) != 0)
		fail("KEEPCAPS is still set after pam_end");
	if ((h_self_mask("CapInh") | h_self_mask("CapAmb")) & ~(o.inh[P_CLOSE] | o.amb[P_CLOSE]))
		fail("pam_end added to the sets");
	if (nlive != 0 || live_overflow)
		fail("%zu allocation(s) of the module not freed%s", nlive,
		     live_overflow ? " (or too many to track)" : "");
	list_fds(&fds_after);
	if (memcmp(&fds_before, &fds_after, sizeof(fds_before)) != 0)
		fail("the set of open file descriptors changed");
	if (verbose || failures)
		printf("# injected: %u alloc, %u open, %u read, %u nss, %u pam_set_data of %ld calls; "
		       "codes %s / %s / %s\n# log:\n%s", F.injected[F_ALLOC], F.injected[F_OPEN],
		       F.injected[F_READ], F.injected[F_NSS], F.injected[F_PAMDATA], F.calls,
		       pam_strerror(NULL, o.rc[P_CRED]), pam_strerror(NULL, o.rc[P_OPEN]),
		       pam_strerror(NULL, o.rc[P_CLOSE]), h_log_take());
	if (outfd >= 0) {
		long calls = F.calls;

		memcpy(o.seen, F.seen, sizeof(o.seen));
		if (write(outfd, &o, sizeof(o)) != (ssize_t)sizeof(o) ||
		    write(outfd, &calls, sizeof(calls)) != (ssize_t)sizeof(calls))
			_exit(99);
	}
	fflush(stdout);
	/* exit(), not _exit(): a sanitizer build checks this child for leaks too */
	exit(failures ? 1 : 0);
}

/* Fork a run; true when it held. CALLS (may be NULL) gets the clean run's count. */
static bool run(const struct scenario *sc, bool clean, long *calls)
{
	int fds[2] = { -1, -1 }, status;
	pid_t pid;

	fflush(stdout);
	if (clean && pipe(fds) != 0)
		exit(99);
	pid = fork();
	if (pid < 0)
		exit(99);
	if (pid == 0) {
		if (fds[0] >= 0)
			close(fds[0]);
		run_child(sc, clean, fds[1]);
	}
	if (clean) {
		close(fds[1]);
		if (read(fds[0], &reference, sizeof(reference)) != (ssize_t)sizeof(reference) ||
		    read(fds[0], calls, sizeof(*calls)) != (ssize_t)sizeof(*calls))
			*calls = -1;
		close(fds[0]);
	}
	if (waitpid(pid, &status, 0) != pid)
		exit(99);
	if (WIFSIGNALED(status))
		printf("# the run died of signal %d\n", WTERMSIG(status));
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void set_schedule(long nth, bool from, bool soft, uint64_t seed, unsigned rate)
{
	memset(&F, 0, sizeof(F));
	F.nth = nth;
	F.from = from;
	F.soft = soft;
	F.rng = seed ? seed * 0x9E3779B97F4A7C15ULL : 0;
	F.rate = rate;
}

static unsigned ntests;

static void report(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", ok ? "ok" : "not ok", ++ntests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const struct scenario *find_scenario(const char *name)
{
	for (size_t i = 0; i < NSCENARIOS; i++)
		if (strcmp(scenarios[i].name, name) == 0)
			return &scenarios[i];
	return NULL;
}

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);

	return v && *v ? atol(v) : dflt;
}

int main(int argc, char **argv)
{
	long seeds = env_long("AMBCAPS_FAULT_SEEDS", 40), rate = env_long("AMBCAPS_FAULT_RATE", 6);
	const char *as = getenv("AMBCAPS_FAULTS_AS");

	setvbuf(stdout, NULL, _IOLBF, 0);
	h_init();
	setup_files();
	if (rate < 1)
		rate = 1;
	if (argc >= 4) {
		/* one run, told how: SCENARIO nth|from|soft N, or SCENARIO seed S */
		const struct scenario *sc = find_scenario(argv[1]);
		long n = atol(argv[3]), calls = 0;
		bool ok;

		if (sc == NULL || n < 1) {
			fprintf(stderr, "usage: %s SCENARIO nth|from|soft|seed N\n", argv[0]);
			return 2;
		}
		set_schedule(0, false, false, 0, 0);
		if (!run(sc, true, &calls) || calls < 0)
			return 1;
		printf("# %s: %ld calls can fail\n", sc->name, calls);
		verbose = true;
		if (strcmp(argv[2], "seed") == 0)
			set_schedule(0, false, false, (uint64_t)n, (unsigned)rate);
		else
			set_schedule(n, strcmp(argv[2], "from") == 0, strcmp(argv[2], "soft") == 0, 0, 0);
		ok = run(sc, false, NULL);
		report(ok, "%s %s %ld", sc->name, argv[2], n);
		printf("1..%u\n", ntests);
		return ok ? 0 : 1;
	}
	for (size_t s = 0; s < NSCENARIOS; s++) {
		const struct scenario *sc = &scenarios[s];
		static const char *const modes[] = { "nth", "from", "soft" };
		long calls = 0;
		bool ok;

		set_schedule(0, false, false, 0, 0);
		ok = run(sc, true, &calls) && calls > 0;
		report(ok, "%s%s: the clean run (%ld calls can fail: %u alloc, %u open, %u read, %u nss, "
		       "%u pam_set_data; after open_session inheritable %#llx, ambient %#llx)",
		       sc->name, as ? as : "", calls, reference.seen[F_ALLOC], reference.seen[F_OPEN],
		       reference.seen[F_READ], reference.seen[F_NSS], reference.seen[F_PAMDATA],
		       (unsigned long long)reference.inh[P_OPEN], (unsigned long long)reference.amb[P_OPEN]);
		if (!ok)
			continue;
		for (int m = 0; m < 3; m++) {
			long bad = 0, first = 0;

			for (long n = 1; n <= calls; n++) {
				set_schedule(n, m == 1, m == 2, 0, 0);
				if (!run(sc, false, NULL)) {
					printf("# reproduce: tests/pam/test_faults%s.sh %s %s %ld\n",
					       as ? "_su" : "", sc->name, modes[m], n);
					if (bad++ == 0)
						first = n;
				}
			}
			report(bad == 0, "%s: %s N for N = 1..%ld (%ld failed, first N = %ld)",
			       sc->name, modes[m], calls, bad, first);
		}
		{
			long bad = 0;

			for (long seed = 1; seed <= seeds; seed++) {
				set_schedule(0, false, false, (uint64_t)seed, (unsigned)rate);
				if (!run(sc, false, NULL)) {
					printf("# reproduce: tests/pam/test_faults%s.sh %s seed %ld\n",
					       as ? "_su" : "", sc->name, seed);
					bad++;
				}
			}
			report(bad == 0, "%s: random faults (1 in %ld calls), seeds 1..%ld (%ld failed)",
			       sc->name, rate, seeds, bad);
		}
	}
	printf("1..%u\n", ntests);
	return 0;
}
