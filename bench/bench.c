/*
 * In-process benchmark: the cost of a PAM transaction with pam_ambcaps,
 * side by side with libcap's pam_cap and libpam's own floor (pam_permit),
 * alternating the contenders, each sample in a fresh child process (so its
 * peak RSS is its own). Run through bench/run.sh (user namespace,
 * nss_wrapper users); never part of the test suite.
 *
 * A transaction: pam_start_confdir, the hook (pam_ambcaps: open_session and
 * close_session; pam_cap: setcred, as it has no session hook), pam_end.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

/* logging is not what is measured: both modules log into nothing */
void __syslog_chk(int pri, int flag, const char *fmt, ...);
void syslog(int pri, const char *fmt, ...);
void __syslog_chk(int pri, int flag, const char *fmt, ...) { (void)pri; (void)flag; (void)fmt; }
void syslog(int pri, const char *fmt, ...) { (void)pri; (void)fmt; }

enum who { PERMIT_SESSION, PERMIT_CRED, AMBCAPS, PAMCAP, NSS_FLOOR };

static const char *dir, *ambcaps_so, *pamcap_so;
static int rounds = 5;
static double target_ms = 40;

static int conv(int n, const struct pam_message **m, struct pam_response **r, void *d)
{
	(void)m;
	(void)d;
	*r = calloc((size_t)n, sizeof(**r));
	return *r ? PAM_SUCCESS : PAM_BUF_ERR;
}

static void write_service(const char *name, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/pam.d/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static int transaction(enum who w, const char *service, const char *user)
{
	struct pam_conv c = { conv, NULL };
	pam_handle_t *pamh;
	char confdir[1024];
	int rc;

	if (w == NSS_FLOOR) {
		struct passwd pw, *res;
		char buf[16384];
		gid_t groups[2048];
		int ng = 2048;

		getpwnam_r(user, &pw, buf, sizeof(buf), &res);
		if (res)
			getgrouplist(user, pw.pw_gid, groups, &ng);
		return 0;
	}
	snprintf(confdir, sizeof(confdir), "%s/pam.d", dir);
	if (pam_start_confdir(service, user, &c, confdir, &pamh) != PAM_SUCCESS)
		return -1;
	if (w == PERMIT_CRED || w == PAMCAP) {
		rc = pam_setcred(pamh, PAM_ESTABLISH_CRED);
	} else {
		rc = pam_open_session(pamh, 0);
		pam_close_session(pamh, 0);
	}
	pam_end(pamh, rc);
	return rc;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One sample in a child: ns per transaction, and the child's peak RSS in KiB. */
static double sample(enum who w, const char *service, const char *user, long *rss_kib)
{
	int fds[2], status;
	struct rusage ru;
	double result = -1;
	pid_t pid;

	if (pipe(fds) != 0)
		exit(1);
	pid = fork();
	if (pid == 0) {
		double t0, t1, per;
		long n = 1;

		close(fds[0]);
		for (int i = 0; i < 3; i++)
			transaction(w, service, user);
		/* calibrate: enough transactions for about target_ms */
		for (;;) {
			t0 = now_ns();
			for (long i = 0; i < n; i++)
				transaction(w, service, user);
			t1 = now_ns();
			if (t1 - t0 > target_ms * 1e6 / 4 || n > 1 << 20)
				break;
			n *= 4;
		}
		per = (t1 - t0) / (double)n;
		n = (long)(target_ms * 1e6 / per) + 1;
		t0 = now_ns();
		for (long i = 0; i < n; i++)
			transaction(w, service, user);
		t1 = now_ns();
		per = (t1 - t0) / (double)n;
		if (write(fds[1], &per, sizeof(per)) != sizeof(per))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &result, sizeof(result)) != sizeof(result))
		result = -1;
	close(fds[0]);
	wait4(pid, &status, 0, &ru);
	*rss_kib = ru.ru_maxrss;
	return result;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct scenario {
	const char *title;
	const char *ambcaps_conf; /* file names under dir */
	const char *pamcap_conf;
	const char *user;
};

/* Medians of alternating samples of every contender. */
static void run(const struct scenario *sc, double med[5], long rss[5])
{
	char text[4096];
	const enum who order[] = { PERMIT_SESSION, AMBCAPS, PERMIT_CRED, PAMCAP, NSS_FLOOR };
	double v[5][32];

	snprintf(text, sizeof(text), "session required pam_permit.so\nauth required pam_permit.so\n");
	write_service("permit", text);
	snprintf(text, sizeof(text), "session required %s conf=%s/%s\n", ambcaps_so, dir,
		 sc->ambcaps_conf);
	write_service("ambcaps", text);
	if (pamcap_so) {
		snprintf(text, sizeof(text), "auth optional %s config=%s/%s\n", pamcap_so, dir,
			 sc->pamcap_conf);
		write_service("pamcap", text);
	}
	for (int r = 0; r < rounds; r++) {
		for (size_t k = 0; k < 5; k++) {
			enum who w = order[k];
			const char *svc = w == AMBCAPS ? "ambcaps" : w == PAMCAP ? "pamcap" : "permit";

			if (w == PAMCAP && !pamcap_so) {
				v[w][r] = -1;
				continue;
			}
			v[w][r] = sample(w, svc, sc->user, &rss[w]);
		}
	}
	for (int w = 0; w < 5; w++) {
		qsort(v[w], (size_t)rounds, sizeof(double), cmp_double);
		med[w] = v[w][rounds / 2];
	}
}

static void gen_conf(const char *name, const char *prefix, long lines, const char *where,
		     const char *user)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	if (strcmp(where, "first") == 0)
		fprintf(f, "%scap_net_bind_service %s\n", prefix, user);
	for (long i = (strcmp(where, "absent") == 0 ? 0 : 1); i < lines; i++)
		fprintf(f, "%scap_net_bind_service user%07ld\n", prefix, i);
	if (strcmp(where, "last") == 0)
		fprintf(f, "%scap_net_bind_service %s\n", prefix, user);
	fclose(f);
	chmod(path, 0644);
}

static void gen_group_conf(const char *name, const char *prefix, int lines, const char *grp)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	for (int i = 0; i < lines - 1; i++)
		fprintf(f, "%scap_net_bind_service @nomatch%04d\n", prefix, i);
	fprintf(f, "%scap_net_bind_service @%s\n", prefix, grp);
	fclose(f);
	chmod(path, 0644);
}

static void report(const char *title, const double med[5], const long rss[5])
{
	double ours = med[AMBCAPS] - med[PERMIT_SESSION];
	double theirs = med[PAMCAP] - med[PERMIT_CRED];

	char ratio[16] = "n/a";

	if (pamcap_so && theirs > 0)
		snprintf(ratio, sizeof(ratio), "%.3f", ours / theirs);
	printf("| %-34s | %9.1f | %9.1f | %9.1f | %7.1f | %6s | %6ld | %6ld |\n", title,
	       med[PERMIT_SESSION] / 1e3, ours / 1e3,
	       pamcap_so ? theirs / 1e3 : -1.0, med[NSS_FLOOR] / 1e3, ratio,
	       rss[AMBCAPS], pamcap_so ? rss[PAMCAP] : -1L);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const long sizes[] = { 10, 1000, 10000, 100000 };
	static const char *const wheres[] = { "first", "last", "absent" };
	static const int groups[] = { 1, 100, 1000 };
	double med[5];
	long rss[5];

	dir = getenv("BENCH_DIR");
	ambcaps_so = getenv("AMBCAPS_MODULE");
	pamcap_so = getenv("PAM_CAP_MODULE");
	if (pamcap_so && access(pamcap_so, R_OK) != 0)
		pamcap_so = NULL;
	if (!dir || !ambcaps_so) {
		fprintf(stderr, "run me through bench/run.sh\n");
		return 2;
	}
	if (argc > 1 && strcmp(argv[1], "--quick") == 0) {
		rounds = 3;
		target_ms = 15;
	}
	{
		char p[1024];

		snprintf(p, sizeof(p), "%s/pam.d", dir);
		mkdir(p, 0755);
	}
	printf("Median of %d alternating samples, %.0f ms each; µs per transaction.\n"
	       "module cost = contender minus pam_permit on the same hook; ratio = pam_ambcaps / pam_cap.\n\n",
	       rounds, target_ms);
	printf("| %-34s | %9s | %9s | %9s | %7s | %6s | %6s | %6s |\n", "scenario", "floor", "ambcaps",
	       "pam_cap", "NSS", "ratio", "RSS a", "RSS c");
	printf("|%s|\n", "------------------------------------|-----------|-----------|-----------|---------|--------|--------|--------");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (size_t p = 0; p < 3; p++) {
			char title[128];
			struct scenario sc = { title, "a.conf", "c.conf", "benchuser" };

			gen_conf("a.conf", "", sizes[s], wheres[p], "benchuser");
			gen_conf("c.conf", "^", sizes[s], wheres[p], "benchuser");
			snprintf(title, sizeof(title), "%ld lines, user %s", sizes[s], wheres[p]);
			run(&sc, med, rss);
			report(title, med, rss);
		}
	}
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		char title[128], user[32], grp[32];
		struct scenario sc = { title, "ga.conf", "gc.conf", user };

		snprintf(user, sizeof(user), "g%duser", groups[g]);
		snprintf(grp, sizeof(grp), "grp%d_last", groups[g]);
		gen_group_conf("ga.conf", "", 100, grp);
		gen_group_conf("gc.conf", "^", 100, grp);
		snprintf(title, sizeof(title), "100 @group lines, user in %d group(s)", groups[g]);
		run(&sc, med, rss);
		report(title, med, rss);
	}
	return 0;
}
