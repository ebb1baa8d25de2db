/*
 * The delivery path of a transaction: deferred only in su, runuser and
 * login, recognised by their executable; applied in the calling process
 * everywhere else. See pam_ambcaps(8), "DELIVERY" and "TRUST MODEL".
 */
#include "config.h"
#include "delivery.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The programs whose child calls pam_end(...|PAM_DATA_SILENT) right after
 * switching to the user and before exec'ing the shell (util-linux su and
 * runuser >= 2.38, shadow login and su >= 4.10, util-linux login), at the
 * paths Debian and other distributions install them. The kernel names the
 * executable by its resolved path, so /bin/su on a merged-/usr system is
 * /usr/bin/su here.
 */
static const struct {
	const char *path;
	enum program_kind kind;
} known[] = {
	{ "/usr/bin/su", PROGRAM_SU },        { "/bin/su", PROGRAM_SU },
	{ "/usr/sbin/runuser", PROGRAM_RUNUSER }, { "/sbin/runuser", PROGRAM_RUNUSER },
	{ "/usr/bin/runuser", PROGRAM_RUNUSER }, { "/bin/runuser", PROGRAM_RUNUSER },
	{ "/usr/bin/login", PROGRAM_LOGIN },  { "/bin/login", PROGRAM_LOGIN },
	/* PID 1 forks the executor (systemd 252); later versions exec systemd-executor */
	{ "/usr/lib/systemd/systemd", PROGRAM_SYSTEMD }, { "/lib/systemd/systemd", PROGRAM_SYSTEMD },
	{ "/usr/lib/systemd/systemd-executor", PROGRAM_SYSTEMD },
	{ "/lib/systemd/systemd-executor", PROGRAM_SYSTEMD },
};

enum program_kind program_kind_of_path(const char *path)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(path, known[i].path) == 0)
			return known[i].kind;
	return PROGRAM_OTHER;
}

const char *program_kind_name(enum program_kind kind)
{
	switch (kind) {
	case PROGRAM_SU:
		return "su";
	case PROGRAM_RUNUSER:
		return "runuser";
	case PROGRAM_LOGIN:
		return "login";
	case PROGRAM_SYSTEMD:
		return "systemd";
	case PROGRAM_OTHER:
		break;
	}
	return "other";
}

/* More than one thread in this process (or not known: then assume so). */
static bool threaded(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	unsigned n = 0;

	if (d == NULL)
		return true;
	while ((de = readdir(d)) != NULL && n < 2)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n != 1;
}

void program_identify(struct program *p)
{
	struct stat exe, at;
	ssize_t n;

	memset(p, 0, sizeof(*p));
	p->threaded = threaded();
	n = readlink("/proc/self/exe", p->exe, sizeof(p->exe) - 1);
	if (n <= 0 || (size_t)n >= sizeof(p->exe) - 1) {
		snprintf(p->exe, sizeof(p->exe), "?");
		return;
	}
	p->exe[n] = '\0';
	p->kind = program_kind_of_path(p->exe);
	if (p->kind == PROGRAM_OTHER)
		return;
	/* the file at that path is the one running, root's, and only root may change it */
	if (stat("/proc/self/exe", &exe) != 0 || lstat(p->exe, &at) != 0 ||
	    !S_ISREG(at.st_mode) || exe.st_dev != at.st_dev || exe.st_ino != at.st_ino ||
	    at.st_uid != 0 || (at.st_mode & (S_IWGRP | S_IWOTH)))
		p->kind = PROGRAM_OTHER;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Only a hint for log lines: services known to switch to the user without
 * ending the transaction there, where ambcaps-exec makes the grant ambient.
 */
static bool launcher_service(const char *svc)
{
	return has_prefix(svc, "sshd") || has_prefix(svc, "sudo") || strcmp(svc, "cron") == 0 ||
	       strcmp(svc, "crond") == 0 || strcmp(svc, "atd") == 0;
}

void delivery_choose(enum apply_mode requested, const char *service,
		     const struct program *prog, struct apply_choice *out)
{
	const char *svc = service ? service : "";
	bool deferrable = prog->kind == PROGRAM_SU || prog->kind == PROGRAM_RUNUSER ||
			  prog->kind == PROGRAM_LOGIN;
	bool proven = deferrable && !prog->threaded;

	memset(out, 0, sizeof(*out));
	if (prog->kind == PROGRAM_SYSTEMD) {
		/* measured with systemd 252: the executor sets I and A from the unit after PAM */
		out->mode = APPLY_NOW;
		out->refused = requested == APPLY_DEFER;
		out->unreached = true;
		out->why = strcmp(svc, "systemd-user") == 0
			? "systemd gives the user's manager and its services the capabilities their "
			  "units name, not what PAM modules set (systemd 252 measured): give "
			  "user@UID.service a drop-in with AmbientCapabilities=, and name them again "
			  "in AmbientCapabilities= of the user's units that need them"
			: "systemd gives a unit's processes the capabilities the unit names, not what "
			  "PAM modules set (systemd 252 measured; 254 and later are said to keep PAM's "
			  "ambient set): set AmbientCapabilities= in the unit instead";
		return;
	}
	out->needs_launcher = !proven && launcher_service(svc);
	if (requested == APPLY_NOW) {
		out->mode = APPLY_NOW;
		out->why = "apply=now was asked for";
		return;
	}
	if (proven) {
		out->mode = APPLY_DEFER;
		out->why = "this program (su, runuser or login) switches to the user after the "
			   "session opens and ends the PAM transaction in the user's process: "
			   "deferred until then";
		return;
	}
	out->mode = APPLY_NOW;
	out->refused = requested == APPLY_DEFER;
	if (deferrable)
		out->why = "the deferred path needs a single-threaded caller (KEEPCAPS is per "
			   "thread): applied in the calling process, the inheritable set carries "
			   "the grant";
	else if (out->needs_launcher)
		out->why = "this service switches to the user without ending the PAM transaction "
			   "there: the inheritable set carries the grant, ambcaps-exec makes it "
			   "ambient";
	else
		out->why = "the deferred path is taken only in su, runuser and login: applied in "
			   "the calling process; the inheritable set carries the grant, and the "
			   "ambient set reaches the user only if this program keeps it";
}
