/*
 * Hostile environments and configuration tampering, through the built
 * module and real libpam in a user namespace: each case has a clear log
 * line (or a clean refusal) as its expected result, and no process keeps a
 * capability it was not granted.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <security/pam_appl.h>

#include "harness.h"

#define NRAW BIT(CAP_NET_RAW)

static const char *conf_in(const char *dir, const char *content, char *opt, size_t len)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/ambcaps.conf", dir);
	h_write(path, content, 0644);
	snprintf(opt, len, "conf=%s", path);
	return opt;
}

static bool has(const struct h_result *r, const char *text)
{
	return strstr(r->log, text) != NULL;
}

static int setup(void **state)
{
	(void)state;
	h_reset_caps();
	return 0;
}

/* ---- hostile environments ---- */


static void body_no_setpcap(void)
{
	struct h_result r;
	char opt[800];

	h_drop_permitted(CAP_SETPCAP);
	h_run("svc", conf_in(h_newdir(), "cap_net_raw alice\n", opt, sizeof(opt)), "alice",
	      H_SESSION, 0, &r);
	h_check(r.rc == PAM_SUCCESS && r.amb == NRAW, "granted without CAP_SETPCAP", &r);
	h_check(r.amb_after == 0 && r.inh_after == 0, "restored", &r);
}

static void caller_without_setpcap(void **state)
{
	(void)state;
	h_in_child(body_no_setpcap);
}

/* a thread runs the transaction: it (and what it forks) gets the grant, the main thread not */
struct thread_result {
	const char *confdir;
	int rc;
	mask_t thread_amb, main_amb, child_amb;
	pid_t main_tid;
};

static mask_t status_mask(const char *path, const char *field)
{
	char buf[8192], *p;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return ~(mask_t)0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return ~(mask_t)0;
	buf[n] = '\0';
	p = strstr(buf, field);
	return p ? strtoull(p + strlen(field) + 1, NULL, 16) : ~(mask_t)0;
}

static void *thread_body(void *arg)
{
	struct thread_result *t = arg;
	struct pam_conv c = { h_conv, NULL };
	pam_handle_t *pamh;
	char path[64];
	int fds[2], status;
	pid_t pid = -1;

	if (pam_start_confdir("svc", "alice", &c, t->confdir, &pamh) != PAM_SUCCESS)
		return NULL;
	t->rc = pam_open_session(pamh, 0);
	t->thread_amb = status_mask("/proc/thread-self/status", "CapAmb");
	snprintf(path, sizeof(path), "/proc/self/task/%ld/status", (long)t->main_tid);
	t->main_amb = status_mask(path, "CapAmb");
	if (pipe(fds) == 0)
		pid = fork();
	if (pid == 0) {
		mask_t m = status_mask("/proc/self/status", "CapAmb");

		if (write(fds[1], &m, sizeof(m)) != sizeof(m))
			_exit(1);
		_exit(0);
	} else if (pid > 0) {
		if (read(fds[0], &t->child_amb, sizeof(t->child_amb)) != sizeof(t->child_amb))
			t->child_amb = ~(mask_t)0;
		waitpid(pid, &status, 0);
	}
	pam_close_session(pamh, 0);
	pam_end(pamh, t->rc);
	return NULL;
}

static void multithreaded_caller(void **state)
{
	struct thread_result t;
	pthread_t th;
	char opt[800];

	(void)state;
	memset(&t, 0, sizeof(t));
	t.main_tid = (pid_t)syscall(SYS_gettid);
	t.confdir = h_service("svc", conf_in(h_newdir(), "cap_net_raw alice\n", opt, sizeof(opt)),
			      H_SESSION);
	assert_int_equal(pthread_create(&th, NULL, thread_body, &t), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(t.rc, PAM_SUCCESS);
	assert_int_equal(t.thread_amb, NRAW);  /* the calling thread */
	assert_int_equal(t.main_amb, 0);       /* not the others */
	assert_int_equal(t.child_amb, NRAW);   /* a child forked from that thread */
	assert_int_equal(h_self_mask("CapAmb"), 0);
}

/* ---- tampering between two logins ---- */



static void replaced_by_symlink(void **state)
{
	const char *dir = h_newdir();
	char opt[800], path[700], target[700];
	struct h_result r;

	(void)state;
	conf_in(dir, "cap_net_raw alice\n", opt, sizeof(opt));
	h_run("svc", opt, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	snprintf(path, sizeof(path), "%s/ambcaps.conf", dir);
	snprintf(target, sizeof(target), "%s/elsewhere.conf", dir);
	assert_int_equal(rename(path, target), 0);
	assert_int_equal(symlink(target, path), 0);
	h_run("svc", opt, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SERVICE_ERR);
	assert_int_equal(r.amb, 0);
	assert_true(has(&r, "ambcaps.conf: is a symbolic link; configuration refused"));
}

static void directory_made_writable(void **state)
{
	const char *dir = h_newdir();
	char opt[800];
	struct h_result r;

	(void)state;
	conf_in(dir, "cap_net_raw alice\n", opt, sizeof(opt));
	assert_int_equal(chmod(dir, 0770), 0);
	h_run("svc", opt, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SERVICE_ERR);
	assert_int_equal(r.amb, 0);
	assert_true(has(&r, "directory is writable by group or others (mode 0770)"));
}

static void truncated_to_zero(void **state)
{
	const char *dir = h_newdir();
	char opt[800], path[700];
	struct h_result r;

	(void)state;
	conf_in(dir, "cap_net_raw alice\n", opt, sizeof(opt));
	snprintf(path, sizeof(path), "%s/ambcaps.conf", dir);
	assert_int_equal(truncate(path, 0), 0);
	h_run("svc", opt, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_IGNORE); /* an empty file grants nothing, and is no error */
	assert_int_equal(r.amb, 0);
}

static void filled_with_a_gigabyte(void **state)
{
	const char *dir = h_newdir();
	char opt[800], path[700], big[1 << 16];
	struct h_result r;
	struct timespec t0, t1;
	long rss0 = 0, rss1 = 0;
	int fd;

	(void)state;
	conf_in(dir, "cap_net_raw alice\n", opt, sizeof(opt));
	snprintf(path, sizeof(path), "%s/ambcaps.conf", dir);
	/* 1 GB as the size says (sparse), with real text at its start */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	memset(big, 'a', sizeof(big));
	for (int i = 0; i < 64; i++)
		assert_int_equal(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	assert_int_equal(ftruncate(fd, 1L << 30), 0);
	close(fd);
	rss0 = h_rss_kib();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	h_run("svc", opt, "alice", H_SESSION, 0, &r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rss1 = h_rss_kib();
	assert_int_equal(r.rc, PAM_SERVICE_ERR);
	assert_int_equal(r.amb, 0);
	assert_true(has(&r, "larger than the limit of 16777216 bytes"));
	printf("# 1 GB configuration refused in %.3f ms, resident memory %+ld KiB\n",
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
	       rss1 - rss0);
	assert_true(rss1 - rss0 < 1024); /* nothing of it was read */
}

static void dropin_made_world_writable(void **state)
{
	const char *dir = h_newdir();
	char opt[1600], sub[700], path[800];
	struct h_result r;

	(void)state;
	conf_in(dir, "cap_net_raw alice\n", opt, sizeof(opt));
	snprintf(sub, sizeof(sub), "%s/ambcaps.d", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(path, sizeof(path), "%s/10.conf", sub);
	h_write(path, "cap_net_bind_service alice\n", 0644);
	snprintf(opt + strlen(opt), sizeof(opt) - strlen(opt), " confdir=%s", sub);
	h_run("svc", opt, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(chmod(path, 0666), 0);
	h_run("svc", opt, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SERVICE_ERR);
	assert_int_equal(r.amb, 0);
	assert_true(has(&r, "10.conf: writable by group or others (mode 0666)"));
}

/* ---- config management: a thousand drop-ins ---- */

static void thousand_dropins(void **state)
{
	const char *dir = h_newdir();
	char opt[1600], sub[700], path[800], text[128];
	struct h_result r;
	struct timespec t0, t1;

	(void)state;
	conf_in(dir, "# managed elsewhere\n", opt, sizeof(opt));
	snprintf(sub, sizeof(sub), "%s/ambcaps.d", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	for (int i = 0; i < 1000; i++) {
		snprintf(path, sizeof(path), "%s/%04d-host.conf", sub, i);
		snprintf(text, sizeof(text), "cap_net_bind_service user%04d @team%04d\n", i, i);
		h_write(path, i == 777 ? "cap_net_raw alice\n" : text, 0644);
	}
	snprintf(path, sizeof(path), "%s/README", sub);
	h_write(path, "not read: cap_sys_admin alice\n", 0644);
	snprintf(opt + strlen(opt), sizeof(opt) - strlen(opt), " confdir=%s debug", sub);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	h_run("svc", opt, "alice", H_SESSION, 0, &r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(r.rc, PAM_SUCCESS);
	assert_int_equal(r.amb, NRAW);
	assert_true(has(&r, "1001 file(s), 1 matching line(s)"));
	printf("# 1 file + 1000 drop-ins read in %.1f ms\n",
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	/* one broken file among them refuses everything, and is named */
	snprintf(path, sizeof(path), "%s/0500-host.conf", sub);
	h_write(path, "cap_net_bind_service user0500\ncap_net_bind_servce user0500\n", 0644);
	h_run("svc", opt, "alice", H_SESSION, 0, &r);
	assert_int_equal(r.rc, PAM_SERVICE_ERR);
	assert_int_equal(r.amb, 0);
	assert_true(has(&r, "0500-host.conf:2: unknown capability 'cap_net_bind_servce' (did you mean cap_net_bind_service?); configuration refused"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(caller_without_setpcap, setup),
		cmocka_unit_test_setup(multithreaded_caller, setup),
		cmocka_unit_test_setup(replaced_by_symlink, setup),
		cmocka_unit_test_setup(directory_made_writable, setup),
		cmocka_unit_test_setup(truncated_to_zero, setup),
		cmocka_unit_test_setup(filled_with_a_gigabyte, setup),
		cmocka_unit_test_setup(dropin_made_world_writable, setup),
		cmocka_unit_test_setup(thousand_dropins, setup),
	};

	h_init();
	return cmocka_run_group_tests_name("hostile environments", tests, NULL, NULL);
}
