/*
 * The only file of pam_ambcaps that talks to the kernel about capabilities:
 * capget(2), capset(2) and prctl(2).
 * See the kernel rules in capabilities(7): A is a subset of P and I;
 * raising I needs the cap in B and (in P or CAP_SETPCAP); raising A needs
 * it in P and I and no SECBIT_NO_CAP_AMBIENT_RAISE.
 */
#include "config.h"
#include "caps.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/capability.h> /* the kernel's ABI: cap_user_header_t, _LINUX_CAPABILITY_VERSION_3 */

/* glibc's wrappers of the system calls; only libcap's header declares them */
int capget(cap_user_header_t header, cap_user_data_t data);
int capset(cap_user_header_t header, const cap_user_data_t data);
#include <sys/prctl.h>
#include <linux/securebits.h>

/*
 * Capability names by number: the kernel's ABI, fixed once a capability
 * exists, written out here so that whether a configuration is valid never
 * depends on the headers it was built with or the kernel it runs on. A
 * capability this kernel lacks is refused when it is applied, not parsed.
 * The module does not link libcap: loading it costs every PAM transaction
 * more than all of this module's own work.
 */
static const char *const cap_names[] = {
	/*  0 */ "cap_chown",
	/*  1 */ "cap_dac_override",
	/*  2 */ "cap_dac_read_search",
	/*  3 */ "cap_fowner",
	/*  4 */ "cap_fsetid",
	/*  5 */ "cap_kill",
	/*  6 */ "cap_setgid",
	/*  7 */ "cap_setuid",
	/*  8 */ "cap_setpcap",
	/*  9 */ "cap_linux_immutable",
	/* 10 */ "cap_net_bind_service",
	/* 11 */ "cap_net_broadcast",
	/* 12 */ "cap_net_admin",
	/* 13 */ "cap_net_raw",
	/* 14 */ "cap_ipc_lock",
	/* 15 */ "cap_ipc_owner",
	/* 16 */ "cap_sys_module",
	/* 17 */ "cap_sys_rawio",
	/* 18 */ "cap_sys_chroot",
	/* 19 */ "cap_sys_ptrace",
	/* 20 */ "cap_sys_pacct",
	/* 21 */ "cap_sys_admin",
	/* 22 */ "cap_sys_boot",
	/* 23 */ "cap_sys_nice",
	/* 24 */ "cap_sys_resource",
	/* 25 */ "cap_sys_time",
	/* 26 */ "cap_sys_tty_config",
	/* 27 */ "cap_mknod",
	/* 28 */ "cap_lease",
	/* 29 */ "cap_audit_write",
	/* 30 */ "cap_audit_control",
	/* 31 */ "cap_setfcap",
	/* 32 */ "cap_mac_override",
	/* 33 */ "cap_mac_admin",
	/* 34 */ "cap_syslog",
	/* 35 */ "cap_wake_alarm",
	/* 36 */ "cap_block_suspend",
	/* 37 */ "cap_audit_read",
	/* 38 */ "cap_perfmon",
	/* 39 */ "cap_bpf",
	/* 40 */ "cap_checkpoint_restore",
};
#define NAMED_CAPS (sizeof(cap_names) / sizeof(cap_names[0]))

/* the length of each name without "cap_", in the same order (test_caps checks them) */
static const unsigned char cap_name_len[NAMED_CAPS] = {
	5, 12, 15, 6, 6, 4, 6, 6, 7, 15,  /* 0.. */
	16, 13, 9, 7, 8, 9, 10, 9, 10, 10,  /* 10.. */
	9, 9, 8, 8, 12, 8, 14, 5, 5, 11,  /* 20.. */
	13, 7, 12, 9, 6, 10, 13, 10, 7, 3,  /* 30.. */
	18,  /* 40.. */
};

static int bound_read(unsigned bit)
{
	return prctl(PR_CAPBSET_READ, (unsigned long)bit, 0UL, 0UL, 0UL);
}

unsigned caps_count(void)
{
	static unsigned count; /* the kernel's answer never changes */
	unsigned n = count;

	if (n != 0)
		return n;
	/* the running kernel knows capability N when PR_CAPBSET_READ accepts it */
	n = NAMED_CAPS;
	while (n > 1 && bound_read(n - 1) < 0)
		n--;
	while (n < CAPMASK_BITS && bound_read(n) >= 0)
		n++;
	count = n;
	return n;
}

/* Edit distance of A and B, case-insensitive; both at most 40 bytes. */
static unsigned distance(const char *a, const char *b)
{
	unsigned row[42], la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la > 40 || lb > 40)
		return 99;
	for (unsigned j = 0; j <= lb; j++)
		row[j] = j;
	for (unsigned i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = i;
		for (unsigned j = 1; j <= lb; j++) {
			unsigned up = row[j], best = diag +
				(tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* The capability name within two edits of BARE (without "cap_"), or NULL. */
static const char *nearest_name(const char *bare)
{
	const char *best = NULL;
	unsigned bestd = 3;

	for (unsigned i = 0; i < NAMED_CAPS; i++) {
		unsigned d;

		d = distance(bare, cap_names[i] + 4);
		if (d < bestd) {
			bestd = d;
			best = cap_names[i];
		}
	}
	return best;
}

/* The LEN bytes of A and B are equal, ASCII letters compared without case. */
static bool ascii_caseeq(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

/* How long NAME's "cap_" prefix is (any case): 4, or 0 (none, or nothing after it). */
static size_t cap_prefix(const char *name, size_t len)
{
	return len > 4 && (memcmp(name, "cap_", 4) == 0 || ascii_caseeq(name, "cap_", 4)) ? 4 : 0;
}

int caps_named(const char *name, size_t len)
{
	const char *bare = name + cap_prefix(name, len);

	len -= (size_t)(bare - name);
	/* each name of that length (memchr over the lengths, which holds only
	 * small ones), then the first letter; most often as the table writes
	 * it: memcmp first */
	if (len > UCHAR_MAX)
		return -1;
	for (const unsigned char *l = cap_name_len;
	     (l = memchr(l, (int)len, (size_t)(cap_name_len + NAMED_CAPS - l))) != NULL; l++) {
		const char *known = cap_names[l - cap_name_len] + 4;

		if ((known[0] | 0x20) == (bare[0] | 0x20) &&
		    (memcmp(known, bare, len) == 0 || ascii_caseeq(known, bare, len)))
			return (int)(l - cap_name_len);
	}
	return -1;
}

int caps_from_name(const char *name, unsigned *bit, char *why, size_t whylen)
{
	size_t len = strlen(name);
	const char *bare = name + cap_prefix(name, len);
	int named = caps_named(name, len);

	if (named >= 0) {
		*bit = (unsigned)named;
		return 0;
	}
	if (len == 0) {
		snprintf(why, whylen, "empty capability name");
		return -1;
	}
	if (isdigit((unsigned char)name[0])) {
		char *end;
		unsigned long n;

		errno = 0;
		n = strtoul(name, &end, 10);
		if (*end != '\0' || errno != 0) {
			snprintf(why, whylen, "unknown capability '%s'", name);
			return -1;
		}
		if (n >= CAPMASK_BITS) {
			snprintf(why, whylen, "capability number %s is out of range (0-%u)", name,
				 CAPMASK_BITS - 1);
			return -1;
		}
		*bit = (unsigned)n;
		return 0;
	}
	if (strcasecmp(bare, "all") == 0 || strcasecmp(bare, "none") == 0) {
		snprintf(why, whylen,
			 "'%s' is not a capability: name each capability, or write 'none' alone",
			 name);
		return -1;
	}
	if (len > 40) {
		snprintf(why, whylen, "unknown capability '%.40s...'", name);
	} else {
		const char *near = nearest_name(bare);

		if (near)
			snprintf(why, whylen, "unknown capability '%s' (did you mean %s?)", name, near);
		else
			snprintf(why, whylen, "unknown capability '%s'", name);
	}
	return -1;
}

void caps_name(unsigned bit, char *buf, size_t len)
{
	if (bit < NAMED_CAPS)
		snprintf(buf, len, "%s", cap_names[bit]);
	else
		snprintf(buf, len, "%u", bit);
}

void caps_format(capmask_t mask, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (unsigned bit = 0; bit < CAPMASK_BITS; bit++) {
		char name[64];
		int n;

		if (!(mask & CAPMASK_BIT(bit)))
			continue;
		caps_name(bit, name, sizeof(name));
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", name);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

const char *caps_refusal_text(enum caps_refusal why)
{
	switch (why) {
	case CAPS_OK:
		return "granted";
	case CAPS_NOT_ON_KERNEL:
		return "not supported by this kernel";
	case CAPS_NOT_IN_BOUNDING:
		return "not in the bounding set of this process";
	case CAPS_NOT_PERMITTED:
		return "not in the permitted set of this process";
	case CAPS_NO_AMBIENT_RAISE:
		return "SECBIT_NO_CAP_AMBIENT_RAISE is set";
	case CAPS_KERNEL_REFUSED:
		return "refused by the kernel";
	}
	return "refused";
}

bool caps_next_refusal(const struct caps_plan *plan, unsigned *bit, char *name, size_t namelen,
		       char *why, size_t whylen)
{
	for (; *bit < CAPMASK_BITS; (*bit)++) {
		unsigned b = *bit;

		if (!(plan->refused & CAPMASK_BIT(b)))
			continue;
		caps_name(b, name, namelen);
		if (plan->why[b] == CAPS_KERNEL_REFUSED)
			snprintf(why, whylen, "%s (%s)", caps_refusal_text(plan->why[b]),
				 strerror(plan->err[b]));
		else
			snprintf(why, whylen, "%s", caps_refusal_text(plan->why[b]));
		(*bit)++;
		return true;
	}
	return false;
}

/* P, E and I of the calling thread in one capget(2). */
static int get_sets(capmask_t *p, capmask_t *e, capmask_t *i)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (capget(&h, d) != 0)
		return -1;
	*p = d[0].permitted | (capmask_t)d[1].permitted << 32;
	*e = d[0].effective | (capmask_t)d[1].effective << 32;
	*i = d[0].inheritable | (capmask_t)d[1].inheritable << 32;
	return 0;
}

int caps_read_state(struct caps_state *st, capmask_t want, struct amb_error *err)
{
	unsigned n = caps_count();
	int sec;

	memset(st, 0, sizeof(*st));
	st->count = n;
	if (get_sets(&st->permitted, &st->effective, &st->inheritable) != 0) {
		amb_error_set(err, "cannot read capabilities: %s", strerror(errno));
		return -1;
	}
	for (unsigned bit = 0; bit < n; bit++) {
		capmask_t m = CAPMASK_BIT(bit);

		if ((want & m) && bound_read(bit) == 1)
			st->bounding |= m;
		/* A is within P and I: no other bit can be ambient */
		if ((st->permitted & st->inheritable & m) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, (unsigned long)bit, 0UL, 0UL) == 1)
			st->ambient |= m;
	}
	sec = prctl(PR_GET_SECUREBITS, 0UL, 0UL, 0UL, 0UL);
	if (sec > 0) {
		st->no_ambient_raise = (sec & issecure_mask(SECURE_NO_CAP_AMBIENT_RAISE)) != 0;
		st->keepcaps_locked = (sec & issecure_mask(SECURE_KEEP_CAPS_LOCKED)) != 0;
	}
	return 0;
}

void caps_plan_grant(const struct caps_state *st, capmask_t grant, bool ambient,
		     struct caps_plan *plan)
{
	bool setpcap = (st->effective & CAPMASK_BIT(CAP_SETPCAP)) != 0;

	memset(plan, 0, sizeof(*plan));
	for (unsigned bit = 0; bit < CAPMASK_BITS; bit++) {
		capmask_t m = CAPMASK_BIT(bit);
		enum caps_refusal why = CAPS_OK;

		if (!(grant & m))
			continue;
		if (st->count != 0 && bit >= st->count) {
			why = CAPS_NOT_ON_KERNEL;
		} else if (!(st->inheritable & m)) {
			/* capset: new I within old I | B, and old I | P without SETPCAP */
			if (!(st->bounding & m))
				why = CAPS_NOT_IN_BOUNDING;
			else if (!(st->permitted & m) && !setpcap)
				why = CAPS_NOT_PERMITTED;
		}
		if (why == CAPS_OK && ambient && !(st->ambient & m)) {
			if (!(st->permitted & m))
				why = CAPS_NOT_PERMITTED;
			else if (st->no_ambient_raise)
				why = CAPS_NO_AMBIENT_RAISE;
		}
		if (why == CAPS_OK) {
			plan->ok |= m;
		} else {
			plan->refused |= m;
			plan->why[bit] = why;
		}
	}
}

/* The one capset of this file: P, E and I of the calling thread exactly as given. */
static int set_sets(capmask_t p, capmask_t e, capmask_t i, struct amb_error *err)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	d[0].permitted = (uint32_t)p;
	d[1].permitted = (uint32_t)(p >> 32);
	d[0].effective = (uint32_t)e;
	d[1].effective = (uint32_t)(e >> 32);
	d[0].inheritable = (uint32_t)i;
	d[1].inheritable = (uint32_t)(i >> 32);
	if (capset(&h, d) != 0) {
		amb_error_set(err, "cannot set capabilities: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Change only the inheritable set of a thread whose sets are ST. */
static int set_inheritable(const struct caps_state *st, capmask_t inh, struct amb_error *err)
{
	if (set_sets(st->permitted, st->effective, inh, err) != 0) {
		amb_error_set(err, "cannot set the inheritable set: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int ambient_op(int op, unsigned bit)
{
	return prctl(PR_CAP_AMBIENT, (unsigned long)op, (unsigned long)bit, 0UL, 0UL);
}

/* Raise A for every cap in OK; failures move from plan->ok to refused. */
static void raise_ambient(capmask_t ok, capmask_t already, struct caps_plan *plan)
{
	for (unsigned bit = 0; bit < CAPMASK_BITS; bit++) {
		capmask_t m = CAPMASK_BIT(bit);

		if (!(ok & m) || (already & m))
			continue;
		if (ambient_op(PR_CAP_AMBIENT_RAISE, bit) != 0) {
			plan->ok &= ~m;
			plan->refused |= m;
			plan->why[bit] = CAPS_KERNEL_REFUSED;
			plan->err[bit] = errno;
		}
	}
}

int caps_restore(capmask_t touched, capmask_t inheritable, capmask_t ambient,
		 struct amb_error *err)
{
	struct caps_state st;

	if (caps_read_state(&st, touched, err) != 0)
		return -1;
	inheritable |= ~touched;
	for (unsigned bit = 0; bit < CAPMASK_BITS; bit++) {
		capmask_t m = CAPMASK_BIT(bit);

		if ((touched & m) && (st.ambient & m) && !(ambient & m) &&
		    ambient_op(PR_CAP_AMBIENT_LOWER, bit) != 0) {
			amb_error_set(err, "cannot lower ambient capability %u: %s", bit,
				      strerror(errno));
			return -1;
		}
	}
	if ((st.inheritable & ~inheritable) != 0)
		return set_inheritable(&st, st.inheritable & inheritable, err);
	return 0;
}

/* Set I to exactly INH (only lowering when the kernel refuses more), then A to AMB's bits that
 * are in it, for the close of a session: both as they were before it opened. */
int caps_restore_exact(capmask_t inh, capmask_t amb, struct amb_error *err)
{
	struct caps_state st;

	if (caps_read_state(&st, 0, err) != 0)
		return -1;
	if (st.inheritable != inh && set_inheritable(&st, inh, err) != 0 &&
	    set_inheritable(&st, st.inheritable & inh, err) != 0)
		return -1;
	if (caps_read_state(&st, 0, err) != 0)
		return -1;
	for (unsigned bit = 0; bit < CAPMASK_BITS; bit++) {
		capmask_t m = CAPMASK_BIT(bit);

		if ((st.ambient & m) && !(amb & m))
			ambient_op(PR_CAP_AMBIENT_LOWER, bit);
		else if (!(st.ambient & m) && (amb & m) && (st.permitted & st.inheritable & m))
			ambient_op(PR_CAP_AMBIENT_RAISE, bit); /* best effort */
	}
	return 0;
}

int caps_apply_now(capmask_t grant, unsigned how, bool strict,
		   struct caps_plan *plan, capmask_t *before_i,
		   capmask_t *before_a, struct amb_error *err)
{
	struct caps_state st;
	capmask_t planned, inh;
	bool ambient = (how & CAPS_AMBIENT) != 0, exact = (how & CAPS_EXACT) != 0;

	if (caps_read_state(&st, grant, err) != 0)
		return -1;
	if (before_i)
		*before_i = st.inheritable;
	if (before_a)
		*before_a = st.ambient;
	caps_plan_grant(&st, grant, ambient, plan);
	if (plan->refused && strict) {
		/* nothing granted; an exact inheritable set is then empty */
		plan->ok = 0;
		if (exact && st.inheritable && set_inheritable(&st, 0, err) != 0)
			return -1;
		return 1;
	}
	inh = exact ? plan->ok : st.inheritable | plan->ok;
	if (inh != st.inheritable && set_inheritable(&st, inh, err) != 0)
		return -1;
	if (!ambient)
		return plan->refused ? 1 : 0;
	planned = plan->ok;
	raise_ambient(plan->ok, st.ambient, plan);
	if (plan->ok != planned) {
		/* the kernel refused some: strict undoes all, else they leave I */
		if (strict)
			plan->ok = 0;
		if (exact) {
			st.inheritable = inh;
			if (set_inheritable(&st, plan->ok, err) != 0)
				return -1;
		} else if (caps_restore(grant, st.inheritable | plan->ok, st.ambient | plan->ok,
					err) != 0) {
			return -1;
		}
	}
	return plan->refused ? 1 : 0;
}

int caps_set_keepcaps(bool on, struct amb_error *err)
{
	if (prctl(PR_SET_KEEPCAPS, on ? 1UL : 0UL, 0UL, 0UL, 0UL) != 0) {
		amb_error_set(err, "cannot %s PR_SET_KEEPCAPS: %s", on ? "set" : "clear",
			      strerror(errno));
		return -1;
	}
	return 0;
}

/* Replace P and I, clear E. */
static int set_permitted_inheritable(capmask_t p, capmask_t i, struct amb_error *err)
{
	return set_sets(p, 0, i, err);
}

int caps_apply_deferred(capmask_t grant, bool strict, struct caps_plan *plan,
			struct amb_error *err)
{
	struct caps_state st;
	capmask_t keep;
	int rc;

	if (caps_read_state(&st, grant, err) != 0) {
		caps_set_keepcaps(false, NULL);
		return -1;
	}
	caps_plan_grant(&st, grant, true, plan);
	/* P and I become exactly what is granted: nothing of root's, nothing of anyone else's */
	keep = (plan->refused && strict) ? 0 : plan->ok;
	rc = set_permitted_inheritable(keep, keep, err);
	if (rc == 0 && keep) {
		raise_ambient(keep, 0, plan);
		if (plan->ok != keep) {
			if (strict)
				plan->ok = 0;
			rc = set_permitted_inheritable(plan->ok, plan->ok, err);
		}
	}
	if (rc != 0) {
		/* never leave root's permitted set behind: drop everything */
		struct amb_error ignored;

		set_permitted_inheritable(0, 0, &ignored);
		plan->ok = 0;
	}
	if (strict && plan->refused)
		plan->ok = 0;
	if (caps_set_keepcaps(false, rc ? NULL : err) != 0)
		rc = -1;
	if (rc != 0)
		return -1;
	return plan->refused ? 1 : 0;
}

int caps_keep_only(capmask_t allowed, capmask_t *kept, capmask_t *inheritable,
		   struct amb_error *err)
{
	capmask_t p, e, i, k;

	*kept = 0;
	if (get_sets(&p, &e, &i) != 0) {
		amb_error_set(err, "cannot read capabilities: %s", strerror(errno));
		return -1;
	}
	if (inheritable)
		*inheritable = i;
	k = p & i & allowed;
	if ((p != k || e != 0 || i != k) && set_sets(k, 0, k, err) != 0) {
		/* never go on holding more than allowed: drop everything */
		struct amb_error ignored;

		set_sets(0, 0, 0, &ignored);
		return -1;
	}
	*kept = k;
	return 0;
}

int caps_raise_ambient(capmask_t caps, struct caps_plan *plan, struct amb_error *err)
{
	struct caps_state st;

	memset(plan, 0, sizeof(*plan));
	if (caps_read_state(&st, caps, err) != 0)
		return -1;
	caps_plan_grant(&st, caps, true, plan);
	raise_ambient(plan->ok, st.ambient, plan);
	return plan->refused ? 1 : 0;
}

capmask_t caps_inheritable(void)
{
	capmask_t p, e, i;

	return get_sets(&p, &e, &i) == 0 ? i : 0;
}

bool caps_no_new_privs(void)
{
	return prctl(PR_GET_NO_NEW_PRIVS, 0UL, 0UL, 0UL, 0UL) == 1;
}
