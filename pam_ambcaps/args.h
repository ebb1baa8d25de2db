/* args.[ch]: module arguments, and which delivery path a service gets. */
#ifndef AMBCAPS_ARGS_H
#define AMBCAPS_ARGS_H

#include "common.h"

enum apply_mode { APPLY_AUTO, APPLY_NOW, APPLY_DEFER };

struct args {
	const char *conf;    /* main file */
	const char *confdir; /* drop-in directory, or NULL */
	bool conf_is_default;
	capmask_t caps;      /* caps= */
	enum apply_mode apply;
	bool notify, strict, debug;
};

/* Parse module arguments; unknown or malformed ones are errors. */
int args_parse(int argc, const char **argv, struct args *a, struct amb_error *err);

struct apply_choice {
	enum apply_mode mode;   /* APPLY_NOW or APPLY_DEFER */
	bool refused;           /* apply=defer was asked for and refused */
	bool needs_launcher;    /* the service switches users without ending PAM there */
	const char *why;        /* one sentence for logs and "ambcaps show" */
};

/* Decide the delivery path for SERVICE (may be NULL). Pure. */
void args_choose_apply(enum apply_mode requested, const char *service,
		       struct apply_choice *out);

const char *args_mode_name(enum apply_mode mode);

#endif
