/*
 * Many PAM transactions in one process, as sshd's monitor or systemd run
 * them: open/close with the ambient grant, setcred, a deferred service, an
 * unknown user, a refused configuration. Prints TAP: resident memory must
 * stay flat; run under valgrind (test_leak.sh) it must not leak.
 *   txn_loop N [MAX_GROWTH_KIB]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "harness.h" /* its syslog stand-in takes the module's log lines */

static char dir[512];

static void put(const char *name, const char *text)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	h_write(path, text, 0644);
}

static long deferred; /* transactions that held KEEPCAPS while open */

static int one(const char *service, const char *user, int kind)
{
	struct pam_conv c = { h_conv, NULL };
	pam_handle_t *pamh;
	int rc;

	if (pam_start_confdir(service, user, &c, dir, &pamh) != PAM_SUCCESS)
		return -1;
	if (kind == 0) {
		rc = pam_open_session(pamh, 0);
		if (prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) == 1)
			deferred++;
		pam_close_session(pamh, 0);
	} else {
		rc = pam_setcred(pamh, PAM_ESTABLISH_CRED);
		pam_setcred(pamh, PAM_DELETE_CRED);
	}
	pam_end(pamh, rc);
	return rc;
}

int main(int argc, char **argv)
{
	const char *module = getenv("AMBCAPS_MODULE"), *base = getenv("AMBCAPS_TEST_DIR");
	long n = argc > 1 ? atol(argv[1]) : 1000, max_growth = argc > 2 ? atol(argv[2]) : 1024;
	long rss_start = 0, rss_end;
	char text[2048];

	if (module == NULL || base == NULL) {
		printf("1..0 # SKIP run through userns-run.sh\n");
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s/loop", base);
	mkdir(dir, 0755);
	put("ambcaps.conf", "cap_net_bind_service alice @webdevs\ncap_net_raw bob\nnone mallory\n");
	put("broken.conf", "cap_net_bind_service alice\ncap_bogus bob\n");
	snprintf(text, sizeof(text), "session optional %s conf=%s/ambcaps.conf notify\n"
		 "auth optional %s conf=%s/ambcaps.conf\n", module, dir, module, dir);
	put("svc", text);
	put("su", text);
	snprintf(text, sizeof(text), "session optional %s conf=%s/broken.conf\n", module, dir);
	put("broken", text);
	put("other", "auth required pam_deny.so\nsession required pam_deny.so\n");

	for (long i = 0; i < n; i++) {
		static const char *const users[] = { "alice", "bob", "mallory", "nosuchuser" };

		one("svc", users[i % 4], 0);
		one("svc", users[(i + 1) % 4], 1);
		one("su", "alice", 0);       /* deferred when run as su: the opener clears KEEPCAPS */
		one("broken", "alice", 0);
		if (i == n / 10)
			rss_start = h_rss_kib();
	}
	rss_end = h_rss_kib();
	printf("1..1\n# %ld x 4 transactions; resident memory %ld KiB after %ld, %ld KiB at the end\n",
	       n, rss_start, n / 10 + 1, rss_end);
	printf("# deferred: %ld\n", deferred);
	if (rss_end - rss_start > max_growth) {
		printf("not ok 1 - resident memory grew by %ld KiB (limit %ld)\n", rss_end - rss_start,
		       max_growth);
		return 1;
	}
	printf("ok 1 - resident memory flat over %ld transactions (%+ld KiB)\n", n * 4,
	       rss_end - rss_start);
	return 0;
}
