/* Unit tests of grant.c: configuration files + a user -> the grant, fail closed. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/capability.h>

#include "grant.h"

static char dir[128], file[256];

/*
 * Allocation failures on demand (-Wl,--wrap): the FAIL_AT-th allocation of
 * the code under test fails (0: none), counted in CALLS.
 */
static long fail_at, calls;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static int failing(void)
{
	return fail_at != 0 && ++calls == fail_at;
}

void *__wrap_malloc(size_t n)
{
	return failing() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return failing() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return failing() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return failing() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return failing() ? NULL : __real_strndup(s, n);
}

static int in_group(void *ctx, const char *group)
{
	(void)ctx;
	return strcmp(group, "webdevs") == 0;
}

static void write_conf(const char *text)
{
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(file, 0644);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ambcaps-grant.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/ambcaps.conf", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(file);
	rmdir(dir);
	return 0;
}

struct count { unsigned rules, matched; };

static void on_rule(const struct conf_rule *rule, int matched, void *ctx)
{
	struct count *c = ctx;

	(void)rule;
	c->rules++;
	c->matched += matched == 1;
}

static void computes_union(void **state)
{
	struct conf_source src = { file, false, NULL, false, geteuid() };
	struct match_user u = { "alice", in_group, NULL, 5, NULL };
	struct count c = { 0, 0 };
	struct grant_query q = { &src, &u, on_rule, &c };
	struct grant g;
	struct amb_error err;
	unsigned nfiles;

	(void)state;
	write_conf("cap_net_raw alice\ncap_net_admin @webdevs\ncap_sys_time bob\n");
	assert_int_equal(grant_compute(&q, &g, &nfiles, &err), 0);
	assert_int_equal(nfiles, 1);
	assert_int_equal(grant_total(&g, 0), CAPMASK_BIT(CAP_NET_RAW) | CAPMASK_BIT(CAP_NET_ADMIN));
	assert_int_equal(c.rules, 3);
	assert_int_equal(c.matched, 2);
}

static void fails_closed(void **state)
{
	struct conf_source src = { file, false, NULL, false, geteuid() };
	struct match_user u = { "alice", in_group, NULL, 5, NULL };
	struct grant_query q = { &src, &u, NULL, NULL };
	struct grant g;
	struct amb_error err;

	(void)state;
	/* the grant before the broken line must not survive */
	write_conf("cap_net_raw alice\ncap_bogus alice\n");
	assert_int_equal(grant_compute(&q, &g, NULL, &err), -1);
	assert_int_equal(grant_total(&g, CAPMASK_BIT(CAP_NET_ADMIN)), CAPMASK_BIT(CAP_NET_ADMIN));
	assert_int_equal(g.caps, 0);
	assert_false(g.veto);
	assert_non_null(strstr(err.msg, ":2: unknown capability 'cap_bogus'"));
	/* a missing optional file is no grant and no error */
	unlink(file);
	src.file_optional = true;
	assert_int_equal(grant_compute(&q, &g, NULL, &err), 0);
	assert_int_equal(g.caps, 0);
}

static int broken_nss(void *ctx, const char *const *names, const unsigned char *veto, size_t n,
		      unsigned char *member)
{
	(void)ctx;
	(void)names;
	(void)veto;
	memset(member, 0, n);
	return -1;
}

static void nss_error_for_groups(void **state)
{
	struct conf_source src = { file, false, NULL, false, geteuid() };
	struct match_user u = { "alice", in_group, NULL, 5, broken_nss };
	struct grant_query q = { &src, &u, NULL, NULL };
	struct grant g;
	struct amb_error err;

	(void)state;
	/* groups cannot be resolved: group lines grant nothing, name lines still do */
	write_conf("cap_net_raw alice\ncap_net_admin @webdevs\n");
	assert_int_equal(grant_compute(&q, &g, NULL, &err), 0);
	assert_true(g.unresolved);
	assert_int_equal(grant_total(&g, 0), CAPMASK_BIT(CAP_NET_RAW));
	/* and a 'none' line that may name her through a group vetoes (fail closed) */
	write_conf("cap_net_raw alice\nnone @webdevs\n");
	assert_int_equal(grant_compute(&q, &g, NULL, &err), 0);
	assert_true(g.veto);
	assert_int_equal(grant_total(&g, 0), 0);
}

static unsigned resolve_calls;

static char vetoed_names[256];
static const char *counting_unknown = "gone";

/* webdevs is alice's; "gone" is unknown to NSS; the names a 'none' line names are noted */
static int counting(void *ctx, const char *const *names, const unsigned char *veto, size_t n,
		    unsigned char *member)
{
	(void)ctx;
	resolve_calls++;
	vetoed_names[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		member[i] = strcmp(names[i], "webdevs") == 0;
		if (veto[i]) {
			strcat(vetoed_names, names[i]);
			strcat(vetoed_names, " ");
			if (strcmp(names[i], counting_unknown) == 0)
				member[i] = MATCH_MEMBER_UNKNOWN;
		}
	}
	return 0;
}

/* a 'none' line's group NSS does not know vetoes (and says where); a grant line's grants nothing */
static void unknown_veto_group(void **state)
{
	struct conf_source src = { file, false, NULL, false, geteuid() };
	struct match_user u = { "alice", in_group, NULL, 5, counting };
	struct count c = { 0, 0 };
	struct grant_query q = { &src, &u, on_rule, &c };
	struct grant g;
	struct amb_error err;
	char where[4200];

	(void)state;
	write_conf("cap_net_raw alice\ncap_sys_time @gone\nnone @other @gone\ncap_net_admin @webdevs\n");
	assert_int_equal(grant_compute(&q, &g, NULL, &err), 0);
	assert_string_equal(vetoed_names, "gone other ");
	assert_true(g.veto);
	assert_false(g.unresolved);
	assert_int_equal(grant_total(&g, CAPMASK_BIT(CAP_CHOWN)), 0);
	snprintf(where, sizeof(where), "%s:3: group 'gone'", file);
	assert_string_equal(g.unknown_where, where);
	/* a group name the log does not echo (the file's words are shown only when they are names') */
	write_conf("cap_net_raw alice\nnone @gone$x/y\n");
	counting_unknown = "gone$x/y";
	assert_int_equal(grant_compute(&q, &g, NULL, &err), 0);
	counting_unknown = "gone";
	snprintf(where, sizeof(where), "%s:2: group (not shown: 8 bytes)", file);
	assert_string_equal(g.unknown_where, where);
	/* the same group only on a grant line: it grants nothing, nothing is vetoed */
	write_conf("cap_net_raw alice\ncap_sys_time @gone\nnone @other\n");
	assert_int_equal(grant_compute(&q, &g, NULL, &err), 0);
	assert_string_equal(vetoed_names, "other ");
	assert_false(g.veto);
	assert_string_equal(g.unknown_where, "");
	assert_int_equal(grant_total(&g, 0), CAPMASK_BIT(CAP_NET_RAW));
}

static void groups_resolved_once(void **state)
{
	struct conf_source src = { file, false, NULL, false, geteuid() };
	struct match_user u = { "alice", in_group, NULL, 5, counting };
	struct grant_query q = { &src, &u, NULL, NULL };
	struct grant g;
	struct amb_error err;

	(void)state;
	write_conf("cap_net_raw @a @b\ncap_net_admin @webdevs @a\ncap_sys_nice @c\ncap_sys_time alice\n");
	resolve_calls = 0;
	assert_int_equal(grant_compute(&q, &g, NULL, &err), 0);
	assert_int_equal(resolve_calls, 1);
	assert_int_equal(grant_total(&g, 0), CAPMASK_BIT(CAP_NET_ADMIN) | CAPMASK_BIT(CAP_SYS_TIME));
	/* no group line, no group lookup */
	write_conf("cap_sys_time alice\n");
	resolve_calls = 0;
	assert_int_equal(grant_compute(&q, &g, NULL, &err), 0);
	assert_int_equal(resolve_calls, 0);
}

static struct conf_rule rule(capmask_t caps, bool none, size_t n, const struct conf_who *who)
{
	struct conf_rule r = { caps, none, "t.conf", 1, n, who };

	return r;
}

/* an unresolvable grant line grants nothing; an unresolvable veto vetoes */
static void fold_unresolved(void **state)
{
	const struct conf_who grp[] = { { WHO_GROUP, "ops", 3 } };
	struct conf_rule r;
	struct grant gr;

	(void)state;
	memset(&gr, 0, sizeof(gr));
	r = rule(4, false, 1, grp);
	grant_fold(&gr, &r, -1);
	assert_int_equal(grant_total(&gr, 0), 0);
	assert_true(gr.unresolved);
	r = rule(8, false, 1, grp);
	grant_fold(&gr, &r, 1);
	assert_int_equal(grant_total(&gr, 16), 8 | 16);
	r = rule(0, true, 1, grp);
	grant_fold(&gr, &r, -1);
	assert_true(gr.veto);
	assert_int_equal(grant_total(&gr, 16), 0);
}

static void union_and_veto(void **state)
{
	const struct conf_who w[] = { { WHO_USER, "alice", sizeof("alice") - 1 } };
	struct conf_rule a = rule(1, false, 1, w), b = rule(2, false, 1, w), n = rule(0, true, 1, w);
	struct grant g1, g2;

	(void)state;
	memset(&g1, 0, sizeof(g1));
	grant_fold(&g1, &a, 1);
	grant_fold(&g1, &b, 0);
	grant_fold(&g1, &b, 1);
	assert_int_equal(grant_total(&g1, 4), 7);
	assert_int_equal(g1.matched, 2);
	/* order never matters */
	memset(&g1, 0, sizeof(g1));
	memset(&g2, 0, sizeof(g2));
	grant_fold(&g1, &n, 1);
	grant_fold(&g1, &a, 1);
	grant_fold(&g2, &a, 1);
	grant_fold(&g2, &n, 1);
	assert_int_equal(grant_total(&g1, 4), 0);
	assert_int_equal(grant_total(&g2, 4), 0);
}

/* Every allocation that can fail, failing in turn: out of memory is its own kind, nothing granted. */
static void out_of_memory_is_its_own_kind(void **state)
{
	struct conf_source src = { file, false, dir, false, geteuid() };
	struct match_user u = { "alice", in_group, NULL, 5, NULL };
	struct grant_query q = { &src, &u, NULL, NULL };
	struct grant g;
	struct amb_error err;
	char drop[300];
	long n;

	(void)state;
	write_conf("cap_net_raw alice\ncap_net_admin @webdevs\ncap_sys_time @ops bob\n");
	snprintf(drop, sizeof(drop), "%s/10-more.conf", dir);
	{
		FILE *f = fopen(drop, "w");

		assert_non_null(f);
		fputs("cap_sys_nice @webdevs\n", f);
		fclose(f);
	}
	for (n = 1; n < 1000; n++) {
		fail_at = n;
		calls = 0;
		if (grant_compute(&q, &g, NULL, &err) == 0) {
			fail_at = 0;
			break;
		}
		fail_at = 0;
		if (err.kind != AMB_ERR_NOMEM)
			fail_msg("allocation %ld failing: kind %d, \"%s\"", n, (int)err.kind, err.msg);
		assert_int_equal(grant_total(&g, 0), 0);
	}
	assert_true(n > 1 && n < 1000); /* some allocations were made and each one failed once */
	printf("# %ld allocations, each failed in turn: out of memory every time, nothing granted\n",
	       n - 1);
	assert_int_equal(grant_total(&g, 0), CAPMASK_BIT(CAP_NET_RAW) | CAPMASK_BIT(CAP_NET_ADMIN) |
						 CAPMASK_BIT(CAP_SYS_NICE));
	unlink(drop);
	/* and a refused configuration stays "refused" */
	write_conf("cap_bogus alice\n");
	src.dir = NULL;
	assert_int_equal(grant_compute(&q, &g, NULL, &err), -1);
	assert_int_equal(err.kind, AMB_ERR_REFUSED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(computes_union, setup, teardown),
		cmocka_unit_test_setup_teardown(fails_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(nss_error_for_groups, setup, teardown),
		cmocka_unit_test_setup_teardown(groups_resolved_once, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_veto_group, setup, teardown),
		cmocka_unit_test_setup_teardown(out_of_memory_is_its_own_kind, setup, teardown),
		cmocka_unit_test(fold_unresolved),
		cmocka_unit_test(union_and_veto),
	};

	return cmocka_run_group_tests_name("grant", tests, NULL, NULL);
}
