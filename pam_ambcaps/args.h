/* args.[ch]: module arguments. */
#ifndef AMBCAPS_ARGS_H
#define AMBCAPS_ARGS_H

#include "common.h"
#include "conf.h"

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

const char *args_mode_name(enum apply_mode mode);

/* Where A says the configuration is (only the default may be missing; root owns it). */
void args_conf_source(const struct args *a, struct conf_source *src);

#endif
