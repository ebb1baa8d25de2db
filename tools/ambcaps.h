/* ambcaps.h: what the subcommands of the ambcaps tool share. */
#ifndef AMBCAPS_TOOL_H
#define AMBCAPS_TOOL_H

#include <stdio.h>

#define EXIT_CONFIG 1
#define EXIT_USAGE 2
#define EXIT_NOUSER 3

void usage(FILE *f);
int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);

#endif
