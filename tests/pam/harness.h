/*
 * Harness for driving the built pam_ambcaps.so through real libpam
 * (pam_start_confdir), with nss_wrapper users and groups, inside a user
 * namespace so that capset/prctl really act. Log lines are captured by
 * interposing syslog, PAM_TEXT_INFO by the conversation.
 */
#ifndef AMBCAPS_HARNESS_H
#define AMBCAPS_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint64_t mask_t;
#define BIT(n) ((mask_t)1 << (n))

/* Reads the environment, writes the passwd/group fixtures. Exits 77 if it cannot run. */
void h_init(void);

/* A fresh directory (0700, owned by us) under the test area; valid until exit. */
const char *h_newdir(void);

/* Write PATH with CONTENT and MODE. */
void h_write(const char *path, const char *content, mode_t mode);

/* Path of the module h_run stacks: the built one, unless set (NULL: back to it). */
const char *h_module(void);
void h_set_module(const char *path);

enum h_hooks { H_SESSION, H_SETCRED, H_AUTH };

struct h_result {
	int rc;                      /* open_session, setcred or authenticate */
	int close_rc;
	mask_t inh, amb, prm;        /* this process after the hook */
	mask_t child_inh, child_amb; /* a child exec'd after the hook */
	mask_t inh_after, amb_after; /* after close_session and pam_end */
	char log[16384];             /* "<prio> message" lines */
	char info[2048];             /* PAM_TEXT_INFO messages */
};

/*
 * Write a fresh service directory holding SERVICE (and "other") with the
 * module line(s) h_run uses; returns the directory.
 */
const char *h_service(const char *service, const char *options, enum h_hooks hooks);

/*
 * Write a service SERVICE whose line is "<type> required MODULE OPTIONS",
 * run HOOKS for USER (NULL: no PAM_USER) and fill R.
 * setcred runs with FLAGS (PAM_ESTABLISH_CRED when 0).
 */
void h_run(const char *service, const char *options, const char *user,
	   enum h_hooks hooks, int flags, struct h_result *r);

/* The harness's PAM conversation (collects PAM_TEXT_INFO). */
struct pam_message;
struct pam_response;
int h_conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data);

/* Capability masks from /proc/self/status ("CapAmb", "CapInh", ...). */
mask_t h_self_mask(const char *field);

/* Lower every ambient cap and clear the inheritable set of this process. */
void h_reset_caps(void);

/* Put CAP in this process's inheritable and ambient sets. */
void h_raise(int cap);

/* Take CAP out of this process's permitted and effective sets (for good). */
void h_drop_permitted(int cap);

/* Run BODY in a forked child, whose capability state it may damage for
 * good; the test fails unless the child exits 0. */
void h_in_child(void (*body)(void));

/* In such a child: unless COND, print WHAT and R's log and exit 1. */
void h_check(int cond, const char *what, const struct h_result *r);

/* This process's resident memory, KiB. */
long h_rss_kib(void);

/*
 * A fresh service directory whose SERVICE runs the module with OPTIONS in
 * both an auth line (for setcred) and a session line, each optional;
 * returns the directory (static buffer).
 */
const char *h_service_auth_session(const char *service, const char *options);

/* A fresh configuration file holding CONTENT; returns "conf=PATH" (static buffer). */
const char *h_conf(const char *content);

/* R's log has a line of priority PRIO (-1: any) containing TEXT. */
bool h_has_log(const struct h_result *r, int prio, const char *text);

/* Captured log text since the last h_log_take(). */
const char *h_log_take(void);

#endif
