/*
 * caps.[ch]: the only code that talks to the kernel about capabilities
 * (capget, capset, prctl).
 *
 * Names <-> numbers, reading this thread's capability state, planning a
 * grant against that state (pure), and applying it: now (inheritable +
 * ambient in the calling thread) or deferred (after the uid switch).
 */
#ifndef AMBCAPS_CAPS_H
#define AMBCAPS_CAPS_H

#include "common.h"

/* Number of capabilities the running kernel knows (cap_last_cap + 1). */
unsigned caps_count(void);

/*
 * Look up NAME (case-insensitive, "cap_" prefix optional, or a decimal
 * number below 64), whatever the running kernel knows. Returns 0 and sets
 * *bit, or -1 with a reason in WHY.
 */
int caps_from_name(const char *name, unsigned *bit, char *why, size_t whylen);

/*
 * The number of the capability named NAME[0..LEN) (case-insensitive,
 * "cap_" prefix optional), or -1 when no capability has that name; numbers
 * and the reasons for a refusal are caps_from_name's.
 */
int caps_named(const char *name, size_t len);

/* "cap_net_raw" for a bit (its number if it has no name here). */
void caps_name(unsigned bit, char *buf, size_t len);

/* Comma-separated names of the bits in MASK ("" when empty). */
void caps_format(capmask_t mask, char *buf, size_t len);

struct caps_state {
	unsigned count; /* capabilities this kernel knows (0: not known, all assumed) */
	capmask_t permitted, effective, inheritable, ambient, bounding;
	bool no_ambient_raise; /* SECBIT_NO_CAP_AMBIENT_RAISE */
	bool keepcaps_locked;  /* SECBIT_KEEP_CAPS_LOCKED */
};

enum caps_refusal {
	CAPS_OK = 0,
	CAPS_NOT_ON_KERNEL,
	CAPS_NOT_IN_BOUNDING,
	CAPS_NOT_PERMITTED,
	CAPS_NO_AMBIENT_RAISE,
	CAPS_KERNEL_REFUSED,
};

struct caps_plan {
	capmask_t ok;      /* will be (or was) applied */
	capmask_t refused; /* will not be applied, see why[] */
	enum caps_refusal why[CAPMASK_BITS];
	int err[CAPMASK_BITS]; /* errno for CAPS_KERNEL_REFUSED */
};

const char *caps_refusal_text(enum caps_refusal why);

/*
 * The next capability PLAN refused from bit *BIT on: its name into NAME and
 * the reason (with the kernel's errno where it refused) into WHY; true, or
 * false when there is none left. Start with *BIT = 0.
 */
bool caps_next_refusal(const struct caps_plan *plan, unsigned *bit, char *name, size_t namelen,
		       char *why, size_t whylen);

/*
 * Read the calling thread's sets and securebits. The ambient and bounding
 * sets (one system call per capability) only for the bits in WANT; the
 * others read as empty. 0, or -1 with ERR.
 */
int caps_read_state(struct caps_state *st, capmask_t want, struct amb_error *err);

/*
 * Decide which caps of GRANT the thread in state ST can receive:
 * into the inheritable set, and into the ambient set too if AMBIENT.
 * Pure: no system calls.
 */
void caps_plan_grant(const struct caps_state *st, capmask_t grant, bool ambient,
		     struct caps_plan *plan);

/* How caps_apply_now treats the sets. */
#define CAPS_AMBIENT 1u /* raise the grant in A too */
#define CAPS_EXACT 2u   /* I becomes exactly the grant (a non-root target) */

/*
 * "now": put the grant in I (added to it, or I exactly the grant with
 * CAPS_EXACT) and with CAPS_AMBIENT raise it in A, in the calling thread.
 * Caps the kernel refuses are reported in PLAN and the rest still
 * applied, unless STRICT, where any refusal grants nothing (and with
 * CAPS_EXACT leaves I empty). Returns 0 when everything was applied, 1
 * when some caps were refused, -1 on an unexpected failure (ERR says why).
 * BEFORE_I/BEFORE_A (may be NULL) receive the sets as they were.
 */
int caps_apply_now(capmask_t grant, unsigned how, bool strict,
		   struct caps_plan *plan, capmask_t *before_i,
		   capmask_t *before_a, struct amb_error *err);

/*
 * Back to the sets a session found: I exactly INH (where the kernel lets
 * it rise again; it always lets it fall) and A as AMB, best effort.
 */
int caps_restore_exact(capmask_t inh, capmask_t amb, struct amb_error *err);

/*
 * Undo a grant: of the capabilities in TOUCHED, lower those not in AMBIENT
 * from the ambient set and those not in INHERITABLE from the inheritable
 * set. Other capabilities are left as they are; it only ever lowers.
 */
int caps_restore(capmask_t touched, capmask_t inheritable, capmask_t ambient,
		 struct amb_error *err);

/* PR_SET_KEEPCAPS on or off. 0, or -1 with ERR. */
int caps_set_keepcaps(bool on, struct amb_error *err);

/*
 * Deferred apply, after the switch to a non-root uid with KEEPCAPS set:
 * P = I = the grant, E = 0, raise A, clear KEEPCAPS. Refusals as in
 * caps_apply_now (strict: P and I emptied, A left empty).
 */
int caps_apply_deferred(capmask_t grant, bool strict, struct caps_plan *plan,
			struct amb_error *err);

/*
 * ambcaps-exec: keep only P & I & ALLOWED, in both P and I; E empty.
 * *KEPT gets what is left, *INHERITABLE (may be NULL) the inheritable set
 * as it was. On failure every set is emptied.
 */
int caps_keep_only(capmask_t allowed, capmask_t *kept, capmask_t *inheritable,
		   struct amb_error *err);

/* Raise CAPS in the ambient set; refusals (SECBIT_NO_CAP_AMBIENT_RAISE) in PLAN. */
int caps_raise_ambient(capmask_t caps, struct caps_plan *plan, struct amb_error *err);

/* The calling thread's inheritable set (empty if it cannot be read). */
capmask_t caps_inheritable(void);

/* no_new_privs is set on this thread (file capabilities are then inert). */
bool caps_no_new_privs(void);

#endif
