/*
 * Unit tests of caps.c against a model of the kernel's rules: capget,
 * capset and prctl are replaced through
 * -Wl,--wrap, so error paths (a refused capset, a refused ambient raise)
 * can be forced and the resulting sets checked exactly.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <linux/capability.h> /* the kernel's types: the module declares capget and capset itself */
#include <sys/prctl.h>
#include <linux/securebits.h>

#include <ctype.h>

#include "caps.h"

#define B(n) CAPMASK_BIT(n)
#define ALL ((capmask_t)((B(CAP_LAST_CAP) << 1) - 1))

/* ---- the model kernel ---- */
static struct {
	capmask_t p, e, i, a, b;
	int secbits, keepcaps;
	unsigned set_calls;
	unsigned fail_set_call; /* 1-based call number that fails, 0: none */
	int fail_set_errno;
	capmask_t raise_fail;
	int raise_errno;
} k;

static void kernel_root(void)
{
	memset(&k, 0, sizeof(k));
	k.p = k.e = k.b = ALL;
}

int __wrap_capget(cap_user_header_t h, cap_user_data_t d);
int __wrap_capset(cap_user_header_t h, const cap_user_data_t d);
int __wrap_prctl(int option, ...);

int __wrap_capget(cap_user_header_t h, cap_user_data_t d)
{
	assert_int_equal(h->version, _LINUX_CAPABILITY_VERSION_3);
	d[0].permitted = (uint32_t)k.p;
	d[1].permitted = (uint32_t)(k.p >> 32);
	d[0].effective = (uint32_t)k.e;
	d[1].effective = (uint32_t)(k.e >> 32);
	d[0].inheritable = (uint32_t)k.i;
	d[1].inheritable = (uint32_t)(k.i >> 32);
	return 0;
}

int __wrap_capset(cap_user_header_t h, const cap_user_data_t d)
{
	capmask_t p = d[0].permitted | (capmask_t)d[1].permitted << 32;
	capmask_t e = d[0].effective | (capmask_t)d[1].effective << 32;
	capmask_t i = d[0].inheritable | (capmask_t)d[1].inheritable << 32;

	assert_int_equal(h->version, _LINUX_CAPABILITY_VERSION_3);
	k.set_calls++;
	if (k.fail_set_call && k.set_calls == k.fail_set_call) {
		errno = k.fail_set_errno;
		return -1;
	}
	if ((p & ~k.p) || (e & ~p) || (i & ~(k.i | k.b)) ||
	    (!(k.e & B(CAP_SETPCAP)) && (i & ~(k.i | k.p)))) {
		errno = EPERM;
		return -1;
	}
	k.p = p;
	k.e = e;
	k.i = i;
	k.a &= p & i;
	return 0;
}

int __wrap_prctl(int option, ...)
{
	va_list ap;
	unsigned long a2, a3;

	va_start(ap, option);
	a2 = va_arg(ap, unsigned long);
	a3 = va_arg(ap, unsigned long);
	va_end(ap);
	switch (option) {
	case PR_CAP_AMBIENT:
		switch (a2) {
		case PR_CAP_AMBIENT_IS_SET:
			return (k.a & B(a3)) ? 1 : 0;
		case PR_CAP_AMBIENT_RAISE:
			if (k.secbits & SECBIT_NO_CAP_AMBIENT_RAISE || !(k.p & k.i & B(a3))) {
				errno = EPERM;
				return -1;
			}
			if (k.raise_fail & B(a3)) {
				errno = k.raise_errno;
				return -1;
			}
			k.a |= B(a3);
			return 0;
		case PR_CAP_AMBIENT_LOWER:
			k.a &= ~B(a3);
			return 0;
		case PR_CAP_AMBIENT_CLEAR_ALL:
			k.a = 0;
			return 0;
		}
		break;
	case PR_CAPBSET_READ:
		if (a2 > CAP_LAST_CAP) {
			errno = EINVAL;
			return -1;
		}
		return (k.b & B(a2)) ? 1 : 0;
	case PR_GET_SECUREBITS:
		return k.secbits;
	case PR_SET_KEEPCAPS:
		k.keepcaps = (int)a2;
		return 0;
	}
	errno = EINVAL;
	return -1;
}

/* ---- tests ---- */

#define RAW B(CAP_NET_RAW)
#define BIND B(CAP_NET_BIND_SERVICE)
#define TIME B(CAP_SYS_TIME)

static int reset(void **state)
{
	(void)state;
	kernel_root();
	return 0;
}

static void plan_rules(void **state)
{
	struct caps_state st = { 0 };
	struct caps_plan plan;

	(void)state;
	st.permitted = st.effective = st.bounding = ALL;
	caps_plan_grant(&st, RAW | TIME, true, &plan);
	assert_int_equal(plan.ok, RAW | TIME);
	st.bounding = ALL & ~TIME;
	caps_plan_grant(&st, RAW | TIME, true, &plan);
	assert_int_equal(plan.ok, RAW);
	assert_int_equal(plan.refused, TIME);
	assert_int_equal(plan.why[CAP_SYS_TIME], CAPS_NOT_IN_BOUNDING);
	/* beyond what this kernel knows: refused whatever else holds */
	st.count = CAP_NET_RAW;
	caps_plan_grant(&st, RAW | BIND, true, &plan);
	assert_int_equal(plan.ok, BIND);
	assert_int_equal(plan.why[CAP_NET_RAW], CAPS_NOT_ON_KERNEL);
	assert_string_equal(caps_refusal_text(CAPS_NOT_ON_KERNEL), "not supported by this kernel");
	st.count = 0;
	/* already inheritable: the bounding set no longer matters */
	st.inheritable = TIME;
	caps_plan_grant(&st, TIME, true, &plan);
	assert_int_equal(plan.ok, TIME);
	/* not permitted: neither I (without SETPCAP) nor A */
	st.inheritable = 0;
	st.bounding = ALL;
	st.permitted = ALL & ~RAW;
	st.effective = ALL & ~RAW & ~B(CAP_SETPCAP);
	caps_plan_grant(&st, RAW, false, &plan);
	assert_int_equal(plan.why[CAP_NET_RAW], CAPS_NOT_PERMITTED);
	/* CAP_SETPCAP lets I take it, but A still needs P */
	st.permitted = st.effective = B(CAP_SETPCAP);
	caps_plan_grant(&st, RAW, false, &plan);
	assert_int_equal(plan.ok, RAW);
	caps_plan_grant(&st, RAW, true, &plan);
	assert_int_equal(plan.why[CAP_NET_RAW], CAPS_NOT_PERMITTED);
	st.permitted = st.effective = ALL;
	st.no_ambient_raise = true;
	caps_plan_grant(&st, RAW, true, &plan);
	assert_int_equal(plan.why[CAP_NET_RAW], CAPS_NO_AMBIENT_RAISE);
	caps_plan_grant(&st, RAW, false, &plan);
	assert_int_equal(plan.ok, RAW);
	assert_string_equal(caps_refusal_text(CAPS_NOT_IN_BOUNDING),
			    "not in the bounding set of this process");
}

static void apply_now_grants(void **state)
{
	struct caps_plan plan;
	struct amb_error err;
	capmask_t bi = 99, ba = 99;

	(void)state;
	assert_int_equal(caps_apply_now(RAW | BIND, CAPS_AMBIENT, false, &plan, &bi, &ba, &err), 0);
	assert_int_equal(k.i, RAW | BIND);
	assert_int_equal(k.a, RAW | BIND);
	assert_int_equal(k.p, ALL);
	assert_int_equal(bi, 0);
	assert_int_equal(ba, 0);
	/* inheritable only */
	kernel_root();
	assert_int_equal(caps_apply_now(RAW, 0, false, &plan, NULL, NULL, &err), 0);
	assert_int_equal(k.i, RAW);
	assert_int_equal(k.a, 0);
}

static void apply_now_partial_and_strict(void **state)
{
	struct caps_plan plan;
	struct amb_error err;

	(void)state;
	k.b = ALL & ~TIME;
	assert_int_equal(caps_apply_now(RAW | TIME, CAPS_AMBIENT, false, &plan, NULL, NULL, &err), 1);
	assert_int_equal(k.i, RAW);
	assert_int_equal(k.a, RAW);
	assert_int_equal(plan.refused, TIME);
	kernel_root();
	k.b = ALL & ~TIME;
	assert_int_equal(caps_apply_now(RAW | TIME, CAPS_AMBIENT, true, &plan, NULL, NULL, &err), 1);
	assert_int_equal(k.i, 0);
	assert_int_equal(k.a, 0);
	assert_int_equal(k.set_calls, 0);
}

static void apply_now_capset_fails(void **state)
{
	struct caps_plan plan;
	struct amb_error err;

	(void)state;
	k.fail_set_call = 1;
	k.fail_set_errno = EPERM;
	assert_int_equal(caps_apply_now(RAW, CAPS_AMBIENT, false, &plan, NULL, NULL, &err), -1);
	assert_string_equal(err.msg, "cannot set the inheritable set: Operation not permitted");
	assert_int_equal(k.i, 0);
	assert_int_equal(k.a, 0);
}

static void apply_now_raise_fails(void **state)
{
	struct caps_plan plan;
	struct amb_error err;

	(void)state;
	k.raise_fail = RAW;
	k.raise_errno = EINVAL;
	assert_int_equal(caps_apply_now(RAW | BIND, CAPS_AMBIENT, false, &plan, NULL, NULL, &err), 1);
	assert_int_equal(plan.why[CAP_NET_RAW], CAPS_KERNEL_REFUSED);
	assert_int_equal(plan.err[CAP_NET_RAW], EINVAL);
	assert_int_equal(plan.ok, BIND);
	assert_int_equal(k.a, BIND);
	assert_int_equal(k.i, BIND); /* the refused cap does not linger in I */
	kernel_root();
	k.raise_fail = RAW;
	k.raise_errno = EINVAL;
	assert_int_equal(caps_apply_now(RAW | BIND, CAPS_AMBIENT, true, &plan, NULL, NULL, &err), 1);
	assert_int_equal(plan.ok, 0);
	assert_int_equal(k.a, 0);
	assert_int_equal(k.i, 0);
}

static void restore_only_lowers(void **state)
{
	struct amb_error err;

	(void)state;
	k.i = k.a = RAW | BIND | TIME;
	assert_int_equal(caps_restore(RAW | BIND, RAW, RAW, &err), 0);
	assert_int_equal(k.i, RAW | TIME); /* TIME was not ours to touch */
	assert_int_equal(k.a, RAW | TIME);
	k.set_calls = 0;
	k.i = k.a = 0;
	assert_int_equal(caps_restore(ALL, ALL, ALL, &err), 0);
	assert_int_equal(k.i, 0);
	assert_int_equal(k.set_calls, 0);
}

static void deferred_trims_to_grant(void **state)
{
	struct caps_plan plan;
	struct amb_error err;

	(void)state;
	/* after setuid with KEEPCAPS: root's P kept, E empty */
	k.e = 0;
	k.keepcaps = 1;
	k.i = B(CAP_SYS_NICE);
	assert_int_equal(caps_apply_deferred(BIND, false, &plan, &err), 0);
	assert_int_equal(k.p, BIND);
	assert_int_equal(k.e, 0);
	assert_int_equal(k.a, BIND);
	assert_int_equal(k.i, BIND); /* someone else's inheritable bit does not stay */
	assert_int_equal(k.keepcaps, 0);
}

static void apply_now_exact_inheritable(void **state)
{
	struct caps_plan plan;
	struct amb_error err;
	capmask_t bi = 0, ba = 0;

	(void)state;
	/* foreign bits in I (a container's PID 1, the previous user) leave it */
	k.i = k.a = RAW | TIME;
	assert_int_equal(caps_apply_now(BIND, CAPS_AMBIENT | CAPS_EXACT, false, &plan, &bi, &ba, &err), 0);
	assert_int_equal(k.i, BIND);
	assert_int_equal(k.a, BIND);
	assert_int_equal(bi, RAW | TIME);
	assert_int_equal(ba, RAW | TIME);
	/* no grant: an empty I */
	k.i = RAW | TIME;
	k.a = RAW;
	assert_int_equal(caps_apply_now(0, CAPS_EXACT, false, &plan, NULL, NULL, &err), 0);
	assert_int_equal(k.i, 0);
	assert_int_equal(k.a, 0);
	/* without CAPS_EXACT (a root target) I is only added to */
	k.i = TIME;
	assert_int_equal(caps_apply_now(BIND, 0, false, &plan, NULL, NULL, &err), 0);
	assert_int_equal(k.i, BIND | TIME);
	/* strict with a refusal: nothing granted, and nothing else either */
	kernel_root();
	k.b = ALL & ~TIME;
	k.i = RAW;
	assert_int_equal(caps_apply_now(BIND | TIME, CAPS_AMBIENT | CAPS_EXACT, true, &plan, NULL, NULL, &err), 1);
	assert_int_equal(k.i, 0);
	assert_int_equal(k.a, 0);
	/* a kernel refusal of the ambient raise: the cap leaves the exact I too */
	kernel_root();
	k.i = TIME;
	k.raise_fail = RAW;
	k.raise_errno = EINVAL;
	assert_int_equal(caps_apply_now(RAW | BIND, CAPS_AMBIENT | CAPS_EXACT, false, &plan, NULL, NULL, &err), 1);
	assert_int_equal(k.i, BIND);
	assert_int_equal(k.a, BIND);
}

static void restore_exact(void **state)
{
	struct amb_error err;

	(void)state;
	/* root's opener gets back what it had, foreign bits included */
	k.i = k.a = BIND;
	assert_int_equal(caps_restore_exact(RAW | TIME, RAW, &err), 0);
	assert_int_equal(k.i, RAW | TIME);
	assert_int_equal(k.a, RAW);
	/* a non-root opener cannot raise I again: it only lowers */
	kernel_root();
	k.p = k.e = 0;
	k.i = BIND;
	assert_int_equal(caps_restore_exact(RAW, 0, &err), 0);
	assert_int_equal(k.i, 0);
}

static void keep_only(void **state)
{
	struct amb_error err;
	capmask_t kept = 99, inh = 0;

	(void)state;
	/* the launcher after exec with all=i: P = I; only the grant stays, in P and I */
	k.p = k.i = RAW | BIND | B(CAP_SYS_ADMIN);
	k.e = 0;
	assert_int_equal(caps_keep_only(BIND | TIME, &kept, &inh, &err), 0);
	assert_int_equal(kept, BIND);
	assert_int_equal(inh, RAW | BIND | B(CAP_SYS_ADMIN));
	assert_int_equal(k.p, BIND);
	assert_int_equal(k.i, BIND);
	assert_int_equal(k.e, 0);
	/* a bit in I the launcher did not receive in P leaves I as well */
	k.p = RAW;
	k.i = RAW | BIND;
	assert_int_equal(caps_keep_only(RAW | BIND, &kept, NULL, &err), 0);
	assert_int_equal(kept, RAW);
	assert_int_equal(k.i, RAW);
	/* nothing allowed: nothing left */
	assert_int_equal(caps_keep_only(0, &kept, NULL, &err), 0);
	assert_int_equal(k.p | k.i | k.e, 0);
	/* capset fails: everything is dropped all the same */
	k.p = k.i = RAW | BIND;
	k.fail_set_call = k.set_calls + 1;
	k.fail_set_errno = ENOMEM;
	assert_int_equal(caps_keep_only(BIND, &kept, NULL, &err), -1);
	assert_int_equal(k.p | k.i, 0);
	assert_int_equal(kept, 0);
}

static void deferred_failure_drops_everything(void **state)
{
	struct caps_plan plan;
	struct amb_error err;

	(void)state;
	k.e = 0;
	k.keepcaps = 1;
	k.fail_set_call = 1;
	k.fail_set_errno = ENOMEM;
	assert_int_equal(caps_apply_deferred(BIND, false, &plan, &err), -1);
	assert_int_equal(k.p, 0);
	assert_int_equal(k.a, 0);
	assert_int_equal(k.keepcaps, 0);
	assert_int_equal(plan.ok, 0);
}

static void deferred_strict_refusal(void **state)
{
	struct caps_plan plan;
	struct amb_error err;

	(void)state;
	k.e = 0;
	k.keepcaps = 1;
	k.b = ALL & ~TIME;
	assert_int_equal(caps_apply_deferred(BIND | TIME, true, &plan, &err), 1);
	assert_int_equal(k.p, 0);
	assert_int_equal(k.a, 0);
	assert_int_equal(k.i, 0);
	assert_int_equal(plan.ok, 0);
	/* not strict: the rest is granted, P is exactly what was granted */
	kernel_root();
	k.e = 0;
	k.b = ALL & ~TIME;
	assert_int_equal(caps_apply_deferred(BIND | TIME, false, &plan, &err), 1);
	assert_int_equal(k.p, BIND);
	assert_int_equal(k.a, BIND);
	/* grant 0: a process that must not keep anything */
	kernel_root();
	assert_int_equal(caps_apply_deferred(0, true, &plan, &err), 0);
	assert_int_equal(k.p | k.e | k.a, 0);
}

static void names(void **state)
{
	unsigned bit;
	char why[160], buf[256];

	(void)state;
	assert_int_equal(caps_from_name("net_raw", &bit, why, sizeof(why)), 0);
	assert_int_equal(bit, CAP_NET_RAW);
	assert_int_equal(caps_from_name("CAP_SYS_ADMIN", &bit, why, sizeof(why)), 0);
	assert_int_equal(bit, CAP_SYS_ADMIN);
	assert_int_equal(caps_from_name("cap_nope", &bit, why, sizeof(why)), -1);
	assert_string_equal(why, "unknown capability 'cap_nope'");
	caps_format(BIND | RAW, buf, sizeof(buf));
	assert_string_equal(buf, "cap_net_bind_service,cap_net_raw");
	caps_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	assert_int_equal(caps_count(), CAP_LAST_CAP + 1); /* probed from the model kernel */
	caps_name(CAP_LAST_CAP, buf, sizeof(buf));
	assert_string_equal(buf, "cap_checkpoint_restore");
	caps_name(63, buf, sizeof(buf));
	assert_string_equal(buf, "63");
	assert_int_equal(caps_from_name("Net_Raw", &bit, why, sizeof(why)), 0);
	assert_int_equal(bit, CAP_NET_RAW);
	/* names and numbers do not depend on the running kernel */
	assert_int_equal(caps_from_name("cap_checkpoint_restore", &bit, why, sizeof(why)), 0);
	assert_int_equal(bit, 40);
	assert_int_equal(caps_from_name("63", &bit, why, sizeof(why)), 0);
	assert_int_equal(bit, 63);
	assert_int_equal(caps_from_name("64", &bit, why, sizeof(why)), -1);
	/* every name of the table is found by its own length, in any case, with or without cap_ */
	for (unsigned b = 0; b <= 40; b++) {
		char upper[64];

		caps_name(b, buf, sizeof(buf));
		assert_int_equal(caps_named(buf, strlen(buf)), (int)b);
		assert_int_equal(caps_named(buf + 4, strlen(buf) - 4), (int)b);
		for (size_t i = 0; buf[i]; i++)
			upper[i] = (char)toupper((unsigned char)buf[i]), upper[i + 1] = '\0';
		assert_int_equal(caps_named(upper, strlen(upper)), (int)b);
		assert_int_equal(caps_named(buf, strlen(buf) - 1), -1);
	}
	/* a word whose length is a name's plus 256 is no name, and is not read past (ASan) */
	{
		char word[300];

		memset(word, 'c', sizeof(word));
		assert_int_equal(caps_named(word, 256 + 5), -1);
		memcpy(word, "cap_", 4);
		assert_int_equal(caps_named(word, 4 + 256 + 5), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(plan_rules, reset),
		cmocka_unit_test_setup(apply_now_grants, reset),
		cmocka_unit_test_setup(apply_now_partial_and_strict, reset),
		cmocka_unit_test_setup(apply_now_capset_fails, reset),
		cmocka_unit_test_setup(apply_now_raise_fails, reset),
		cmocka_unit_test_setup(restore_only_lowers, reset),
		cmocka_unit_test_setup(deferred_trims_to_grant, reset),
		cmocka_unit_test_setup(apply_now_exact_inheritable, reset),
		cmocka_unit_test_setup(restore_exact, reset),
		cmocka_unit_test_setup(keep_only, reset),
		cmocka_unit_test_setup(deferred_failure_drops_everything, reset),
		cmocka_unit_test_setup(deferred_strict_refusal, reset),
		cmocka_unit_test_setup(names, reset),
	};

	return cmocka_run_group_tests_name("caps", tests, NULL, NULL);
}
