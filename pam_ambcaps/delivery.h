/*
 * delivery.[ch]: which delivery path a transaction gets. The deferred path
 * (KEEPCAPS across the uid switch) is taken only in programs known to end
 * the PAM transaction in the user's process right after switching to the
 * user, recognised by the executable the process runs, never by the PAM
 * service name (any program may call itself "login"), and only in a
 * single-threaded caller (KEEPCAPS is per thread).
 */
#ifndef AMBCAPS_DELIVERY_H
#define AMBCAPS_DELIVERY_H

#include "args.h"

enum program_kind {
	PROGRAM_OTHER = 0,
	PROGRAM_SU,      /* util-linux or shadow su */
	PROGRAM_RUNUSER, /* util-linux runuser */
	PROGRAM_LOGIN,   /* shadow or util-linux login */
	PROGRAM_SYSTEMD, /* systemd's service executor (PAMName=, user@.service, machinectl shell) */
};

/* The process the module runs in. */
struct program {
	enum program_kind kind;
	char exe[256];  /* what /proc/self/exe names ("?" if unreadable) */
	bool threaded;  /* more than one thread */
};

/*
 * Identify the calling process: its executable must be one of the known
 * paths, be the very file at that path (same device and inode), owned by
 * root and writable by nobody else. Anything else is PROGRAM_OTHER.
 */
void program_identify(struct program *p);

/* Pure: the kind of executable PATH names, by its full path only. */
enum program_kind program_kind_of_path(const char *path);

const char *program_kind_name(enum program_kind kind);

struct apply_choice {
	enum apply_mode mode;   /* APPLY_NOW or APPLY_DEFER */
	bool refused;           /* apply=defer was asked for and refused */
	bool needs_launcher;    /* the program switches users without ending PAM there */
	bool unreached;         /* the program resets the sets after PAM: nothing reaches the user */
	const char *why;        /* one sentence for logs and "ambcaps show" */
};

/*
 * Decide the delivery path for a transaction of SERVICE (may be NULL) in
 * program PROG. Pure.
 */
void delivery_choose(enum apply_mode requested, const char *service,
		     const struct program *prog, struct apply_choice *out);

#endif
