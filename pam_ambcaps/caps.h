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
 * number). Returns 0 and sets *bit, or -1 with a reason in WHY.
 */
int caps_from_name(const char *name, unsigned *bit, char *why, size_t whylen);

/* "cap_net_raw" for a bit (its number if it has no name here). */
void caps_name(unsigned bit, char *buf, size_t len);

/* Comma-separated names of the bits in MASK ("" when empty). */
void caps_format(capmask_t mask, char *buf, size_t len);

struct caps_state {
	capmask_t permitted, effective, inheritable, ambient, bounding;
	bool no_ambient_raise; /* SECBIT_NO_CAP_AMBIENT_RAISE */
	bool keepcaps_locked;  /* SECBIT_KEEP_CAPS_LOCKED */
};

enum caps_refusal {
	CAPS_OK = 0,
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

/*
 * "now": add the grant to I and (if AMBIENT) raise it in A, in the calling
 * thread. Caps the kernel refuses are reported in PLAN and the rest still
 * applied, unless STRICT, where any refusal leaves every set unchanged.
 * Returns 0 when everything was applied, 1 when some caps were refused,
 * -1 on an unexpected failure (ERR says why, nothing changed).
 * BEFORE_I/BEFORE_A (may be NULL) receive the sets as they were.
 */
int caps_apply_now(capmask_t grant, bool ambient, bool strict,
		   struct caps_plan *plan, capmask_t *before_i,
		   capmask_t *before_a, struct amb_error *err);

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
 * I |= grant, P = grant, E = 0, raise A, clear KEEPCAPS. Refusals as in
 * caps_apply_now (strict: P and I emptied of the grant, A left empty).
 */
int caps_apply_deferred(capmask_t grant, bool strict, struct caps_plan *plan,
			struct amb_error *err);

/*
 * ambcaps-exec: make ambient every capability in P and I (what file
 * inheritable bits let through from the inheritable set), keep nothing
 * else in P, clear E. *RAISED gets what is now ambient, *INHERITABLE the
 * inheritable set. Refusals (SECBIT_NO_CAP_AMBIENT_RAISE) are in PLAN.
 */
int caps_promote_inheritable(capmask_t *raised, capmask_t *inheritable,
			     struct caps_plan *plan, struct amb_error *err);

/* no_new_privs is set on this thread (file capabilities are then inert). */
bool caps_no_new_privs(void);

#endif
