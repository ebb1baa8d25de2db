#include "config.h"

#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#endif
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <security/pam_appl.h>

/* ---- syslog interposition: libpam's pam_syslog ends in __syslog_chk ---- */

static char logbuf[65536];
static size_t loglen;

static void log_append(int pri, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void log_append(int pri, const char *fmt, va_list ap)
{
	int n;

	if (loglen >= sizeof(logbuf) - 2)
		return;
	n = snprintf(logbuf + loglen, sizeof(logbuf) - loglen, "<%d> ", pri & 7);
	if (n > 0)
		loglen += (size_t)n;
	if (loglen >= sizeof(logbuf) - 2)
		return;
	n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen - 1, fmt, ap);
	if (n > 0)
		loglen += (size_t)n;
	if (loglen > sizeof(logbuf) - 2)
		loglen = sizeof(logbuf) - 2;
	logbuf[loglen++] = '\n';
	logbuf[loglen] = '\0';
}

void __syslog_chk(int pri, int flag, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
void syslog(int pri, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vsyslog(int pri, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

void __syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	log_append(pri, fmt, ap);
	va_end(ap);
}

void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	log_append(pri, fmt, ap);
}

void syslog(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_append(pri, fmt, ap);
	va_end(ap);
}

void vsyslog(int pri, const char *fmt, va_list ap)
{
	log_append(pri, fmt, ap);
}

const char *h_log_take(void)
{
	static char copy[sizeof(logbuf)];

	memcpy(copy, logbuf, loglen + 1);
	loglen = 0;
	logbuf[0] = '\0';
	return copy;
}

/* ---- fixtures ---- */

static const char *testdir, *module;
static unsigned ndirs;

static void die(const char *what)
{
	fprintf(stderr, "harness: %s: %s\n", what, strerror(errno));
	exit(99);
}

void h_write(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t len = strlen(content);

	if (fd < 0)
		die(path);
	if (write(fd, content, len) != (ssize_t)len)
		die(path);
	if (fchmod(fd, mode) != 0)
		die(path);
	close(fd);
}

const char *h_newdir(void)
{
	static char paths[512][512];
	char *p;

	if (ndirs >= 512) {
		fprintf(stderr, "harness: too many directories\n");
		exit(99);
	}
	p = paths[ndirs];
	snprintf(p, sizeof(paths[0]), "%s/d%u-%ld", testdir, ndirs, (long)getpid());
	ndirs++;
	if (mkdir(p, 0700) != 0)
		die(p);
	return p;
}

static const char *module_override;

const char *h_module(void)
{
	return module_override ? module_override : module;
}

void h_set_module(const char *path)
{
	module_override = path;
}

void h_init(void)
{
	char path[512];
	FILE *f;

	testdir = getenv("AMBCAPS_TEST_DIR");
	module = getenv("AMBCAPS_MODULE");
	if (testdir == NULL || module == NULL) {
		printf("1..0 # SKIP run me through tests/pam/userns-run.sh\n");
		exit(0);
	}
	if (access(module, R_OK) != 0)
		die(module);
	if (geteuid() != 0) {
		printf("1..0 # SKIP not root in a user namespace\n");
		exit(0);
	}
#ifndef HAVE_LIBCAP
	/* the harness sets up capability states with libcap, as a reference apart from the module */
	printf("1..0 # SKIP libcap was not found when this build was configured (apt-get install libcap-dev)\n");
	exit(0);
#endif
	snprintf(path, sizeof(path), "%s/passwd", testdir);
	f = fopen(path, "w");
	if (f == NULL)
		die(path);
	fprintf(f, "root:x:0:0:root:/root:/bin/sh\n"
		   "alice:x:1001:100:Alice:/home/alice:/bin/sh\n"
		   "bob:x:1002:100:Bob:/home/bob:/bin/sh\n"
		   "carol:x:1003:100:Carol:/home/carol:/bin/sh\n"
		   "dave:x:1004:100:Dave:/home/dave:/bin/sh\n"
		   "webdevs:x:1005:100:user named like a group:/home/webdevs:/bin/sh\n"
		   "mallory:x:1006:100:Mallory:/home/mallory:/bin/sh\n"
		   "ob:x:1007:100:user ob:/home/ob:/bin/sh\n"
		   "eve:x:1008:2003:Eve (primary group only):/home/eve:/bin/sh\n"
		   "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
	fclose(f);
	snprintf(path, sizeof(path), "%s/group", testdir);
	f = fopen(path, "w");
	if (f == NULL)
		die(path);
	fprintf(f, "root:x:0:\nusers:x:100:\nwebdevs:x:2000:bob\nnetops:x:2001:carol\n"
		   "ob:x:2002:\nprimaryonly:x:2003:\nnogroup:x:65534:\n");
	for (int i = 0; i < 300; i++)
		fprintf(f, "g%d:x:%d:dave\n", i, 3000 + i);
	fclose(f);
}

/* ---- capability readings ---- */

static mask_t parse_mask(const char *text, const char *field)
{
	size_t n = strlen(field);
	const char *p = text;

	while ((p = strstr(p, field)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ':')
			return strtoull(p + n + 1, NULL, 16);
		p += n;
	}
	return ~(mask_t)0;
}

mask_t h_self_mask(const char *field)
{
	char buf[8192];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		die("/proc/self/status");
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		die("/proc/self/status");
	buf[n] = '\0';
	return parse_mask(buf, field);
}

/* Exec cat on the child's own status; read CapInh and CapAmb from its output. */
static void child_masks(mask_t *inh, mask_t *amb)
{
	char buf[8192];
	size_t len = 0;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds) != 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl("/bin/cat", "cat", "/proc/self/status", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], buf + len, sizeof(buf) - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
	buf[len] = '\0';
	*inh = parse_mask(buf, "CapInh");
	*amb = parse_mask(buf, "CapAmb");
}

#ifdef HAVE_LIBCAP
void h_reset_caps(void)
{
	cap_t c;

	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0UL, 0UL, 0UL);
	c = cap_get_proc();
	if (c == NULL)
		die("cap_get_proc");
	cap_clear_flag(c, CAP_INHERITABLE);
	if (cap_set_proc(c) != 0)
		die("cap_set_proc");
	cap_free(c);
}

static void set_flag(int cap, cap_flag_t flag, cap_flag_value_t v)
{
	cap_t c = cap_get_proc();
	cap_value_t value = cap;

	if (c == NULL)
		die("cap_get_proc");
	cap_set_flag(c, flag, 1, &value, v);
	if (flag == CAP_PERMITTED)
		cap_set_flag(c, CAP_EFFECTIVE, 1, &value, v);
	if (cap_set_proc(c) != 0)
		die("cap_set_proc");
	cap_free(c);
}

void h_raise(int cap)
{
	set_flag(cap, CAP_INHERITABLE, CAP_SET);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0UL, 0UL) != 0)
		die("PR_CAP_AMBIENT_RAISE");
}

void h_drop_permitted(int cap)
{
	set_flag(cap, CAP_PERMITTED, CAP_CLEAR);
}
#else
/* unreachable: h_init skips the program */
void h_reset_caps(void)
{
	abort();
}

void h_raise(int cap)
{
	(void)cap;
	abort();
}

void h_drop_permitted(int cap)
{
	(void)cap;
	abort();
}
#endif

/* ---- one transaction ---- */

static char *info_out;
static size_t info_size;
static char info_sink[2048];

int h_conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	(void)data;
	if (r == NULL)
		return PAM_BUF_ERR;
	if (info_out == NULL) {
		info_out = info_sink;
		info_size = sizeof(info_sink);
	}
	for (int i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_TEXT_INFO || msg[i]->msg_style == PAM_ERROR_MSG) {
			size_t used = strlen(info_out);

			snprintf(info_out + used, info_size - used, "%s\n", msg[i]->msg);
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

const char *h_service(const char *service, const char *options, enum h_hooks hooks)
{
	static const char *const types[] = { "session", "auth", "auth" };
	static char confdir[600];
	char path[700], line[4096];

	snprintf(confdir, sizeof(confdir), "%s", h_newdir());
	snprintf(path, sizeof(path), "%s/%s", confdir, service);
	/*
	 * libpam never returns PAM_IGNORE from a stack. To see the module's own
	 * code: success jumps to the end, an error is "bad" (its code is the
	 * stack's), and PAM_IGNORE falls through to pam_debug, which answers
	 * PAM_NO_MODULE_DATA; h_run maps that back to PAM_IGNORE. A jump must
	 * land on a module: pam_permit ends the stack.
	 */
	snprintf(line, sizeof(line),
		 "%s [success=1 ignore=ignore default=bad] %s %s\n"
		 "%s [default=bad] pam_debug.so auth=no_module_data cred=no_module_data "
		 "open_session=no_module_data close_session=no_module_data\n"
		 "%s optional pam_permit.so\n",
		 types[hooks], h_module(), options, types[hooks], types[hooks]);
	h_write(path, line, 0644);
	snprintf(path, sizeof(path), "%s/other", confdir);
	h_write(path, "auth required pam_deny.so\nsession required pam_deny.so\n", 0644);
	return confdir;
}

void h_run(const char *service, const char *options, const char *user,
	   enum h_hooks hooks, int flags, struct h_result *r)
{
	char confdir[600];
	struct pam_conv c = { h_conv, NULL };
	pam_handle_t *pamh = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	info_out = r->info;
	info_size = sizeof(r->info);
	snprintf(confdir, sizeof(confdir), "%s", h_service(service, options, hooks));
	h_log_take();
	rc = pam_start_confdir(service, user, &c, confdir, &pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "pam_start_confdir: %d\n", rc);
		exit(99);
	}
	switch (hooks) {
	case H_SESSION:
		r->rc = pam_open_session(pamh, flags);
		break;
	case H_SETCRED:
		r->rc = pam_setcred(pamh, flags != 0 ? flags : (int)PAM_ESTABLISH_CRED);
		break;
	case H_AUTH:
		r->rc = pam_authenticate(pamh, flags);
		break;
	}
	if (r->rc == PAM_NO_MODULE_DATA)
		r->rc = PAM_IGNORE;
	r->inh = h_self_mask("CapInh");
	r->amb = h_self_mask("CapAmb");
	r->prm = h_self_mask("CapPrm");
	child_masks(&r->child_inh, &r->child_amb);
	if (hooks == H_SESSION)
		r->close_rc = pam_close_session(pamh, 0);
	if (r->close_rc == PAM_NO_MODULE_DATA)
		r->close_rc = PAM_IGNORE;
	pam_end(pamh, PAM_SUCCESS);
	r->inh_after = h_self_mask("CapInh");
	r->amb_after = h_self_mask("CapAmb");
	{
		const char *text = h_log_take();
		size_t n = strnlen(text, sizeof(r->log) - 1);

		memcpy(r->log, text, n);
		r->log[n] = '\0';
	}
}

void h_in_child(void (*body)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		body();
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "harness: child failed\n");
		exit(1);
	}
}

void h_check(int cond, const char *what, const struct h_result *r)
{
	if (!cond) {
		fprintf(stderr, "FAILED: %s\nlog:\n%s", what, r->log);
		_exit(1);
	}
}

long h_rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

const char *h_service_auth_session(const char *service, const char *options)
{
	static char dir[600];
	char path[700], line[4096];

	snprintf(dir, sizeof(dir), "%s", h_newdir());
	snprintf(line, sizeof(line), "auth optional %s %s\nsession optional %s %s\n", h_module(),
		 options, h_module(), options);
	snprintf(path, sizeof(path), "%s/%s", dir, service);
	h_write(path, line, 0644);
	return dir;
}

const char *h_conf(const char *content)
{
	static char path[600], opt[700];

	snprintf(path, sizeof(path), "%s/ambcaps.conf", h_newdir());
	h_write(path, content, 0644);
	snprintf(opt, sizeof(opt), "conf=%s", path);
	return opt;
}

bool h_has_log(const struct h_result *r, int prio, const char *text)
{
	const char *line = r->log;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *hit = strstr(line, text);

		if (hit && hit < line + len && (prio < 0 || line[1] - '0' == prio))
			return true;
		line += len + (nl ? 1 : 0);
	}
	return false;
}
