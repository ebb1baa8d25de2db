/*
 * The corpus of broken and unsafe configurations, through the built module
 * and real libpam in a user namespace. Every case must give
 * PAM_SERVICE_ERR, grant nothing (this process and an exec'd child), and
 * log one LOG_ERR line naming the file (and the line, for syntax errors).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <security/pam_appl.h>

#include "harness.h"

enum setup {
	PLAIN,          /* CONTENT is ambcaps.conf */
	MODE_0664, MODE_0646, MODE_0666,
	FOREIGN_OWNER,  /* a file not owned by root */
	SYMLINK,        /* ambcaps.conf -> a good file */
	FIFO, DIRECTORY,
	DIR_0777, DIR_0775,  /* the directory holding ambcaps.conf */
	ANCESTOR_0777,  /* a directory above that one, writable by all, not sticky */
	LINK_TO_UNSAFE, /* conf=DIR/link/ambcaps.conf, link -> a directory below a 0777 one */
	MISSING,
	OVERSIZE,       /* sparse file one byte over the limit */
	DROPIN,         /* good ambcaps.conf, CONTENT is ambcaps.d/20-bad.conf */
	DROPIN_0646,    /* drop-in world-writable */
	DROPIN_DIR_0777,
	DROPIN_DIR_SYMLINK,
	DROPIN_MISSING_DIR, /* confdir= names a directory that does not exist */
};

struct bad {
	const char *name;
	enum setup setup;
	const char *content;
	size_t len;          /* 0: strlen(content) */
	const char *expect;  /* %s is the offending path */
};

#define LONG_LINE_LEN 4097

static char long_line[LONG_LINE_LEN + 64];
static const char nul_content[] = "cap_net_raw alice\ncap_net_admin al\0ice\n";

static const struct bad cases[] = {
	{ "group_writable", MODE_0664, "cap_net_raw alice\n", 0,
	  "%s: writable by group or others (mode 0664)" },
	{ "world_writable", MODE_0646, "cap_net_raw alice\n", 0,
	  "%s: writable by group or others (mode 0646)" },
	{ "group_and_world_writable", MODE_0666, "cap_net_raw alice\n", 0,
	  "%s: writable by group or others (mode 0666)" },
	{ "not_owned_by_root", FOREIGN_OWNER, NULL, 0, "%s: owned by uid 65534, not root" },
	{ "symlink", SYMLINK, "cap_net_raw alice\n", 0, "%s: is a symbolic link" },
	{ "fifo", FIFO, NULL, 0, "%s: not a regular file" },
	{ "directory", DIRECTORY, NULL, 0, "%s: not a regular file" },
	{ "parent_dir_world_writable", DIR_0777, "cap_net_raw alice\n", 0,
	  "%s: directory is writable by group or others (mode 0777)" },
	{ "parent_dir_group_writable", DIR_0775, "cap_net_raw alice\n", 0,
	  "%s: directory is writable by group or others (mode 0775)" },
	{ "ancestor_dir_world_writable", ANCESTOR_0777, "cap_net_raw alice\n", 0,
	  "directory %s above it is writable by group or others (mode 0777)" },
	{ "symlinked_directory_into_unsafe_tree", LINK_TO_UNSAFE, "cap_net_raw alice\n", 0,
	  "directory %s above it is writable by group or others (mode 0777)" },
	/* conf=/etc/shadow by mistake: the hash never reaches the log */
	{ "shadow_named_as_conf", PLAIN,
	  "root:$y$j9T$Zq0LBIJ8pZsAGk0M0pNZ.1$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO:19700:0:99999:7:::\n", 0,
	  "%s:1: (not shown: 95 bytes) is not followed by any user or group" },
	{ "shadow_line_with_a_user", PLAIN, "root:$6$salt$hash:19700:0:99999:7::: alice\n", 0,
	  "%s:1: (not shown: 36 bytes) is not a capability list (is this the right file?)" },
	{ "long_shadow_line_with_a_user", PLAIN,
	  "root:$y$j9T$Zq0LBIJ8pZsAGk0M0pNZ.1$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO:19700:0:99999:7::: alice\n", 0,
	  "%s:1: (not shown: 95 bytes) is not a capability list (is this the right file?)" },
	/* an old DES hash has no '$': the colons keep it out of the log */
	{ "des_shadow_line", PLAIN, "root:abJnggxhB2Ycc:20228:0:99999:7:::\n", 0,
	  "%s:1: (not shown: 37 bytes) is not followed by any user or group" },
	{ "missing_conf_file", MISSING, NULL, 0,
	  "%s: cannot open: No such file or directory" },
	{ "oversize_file", OVERSIZE, NULL, 0, "%s: larger than the limit of 16777216 bytes" },
	{ "unknown_capability", PLAIN, "cap_net_raw alice\ncap_bogus alice\n", 0,
	  "%s:2: unknown capability 'cap_bogus'" },
	{ "typo_gets_a_suggestion", PLAIN, "cap_net_bnd_service alice\n", 0,
	  "%s:1: unknown capability 'cap_net_bnd_service' (did you mean cap_net_bind_service?)" },
	{ "pam_cap_ambient_syntax", PLAIN, "^cap_net_raw alice\n", 0,
	  "%s:1: '^cap_net_raw' is libcap's capability.conf syntax: here a line names the capabilities alone (all become ambient); 'ambcaps import-pam-cap' converts a capability.conf" },
	{ "pam_cap_text_syntax", PLAIN, "cap_net_raw=eip alice\n", 0,
	  "%s:1: 'cap_net_raw=eip' is libcap's capability.conf syntax" },
	{ "comma_between_users", PLAIN, "cap_net_bind_service alice,bob\n", 0,
	  "%s:1: ',' in name 'alice,bob': separate users and groups with spaces (alice bob); only the capabilities are one word (cap_a,cap_b)" },
	{ "misspelled_prefix", PLAIN, "ca_net_raw alice\n", 0,
	  "%s:1: unknown capability 'ca_net_raw'" },
	{ "prefix_without_underscore", PLAIN, "capnet_raw alice\n", 0,
	  "%s:1: unknown capability 'capnet_raw'" },
	{ "empty_capability_in_list", PLAIN, "cap_net_raw,,cap_net_admin alice\n", 0,
	  "%s:1: empty capability name in 'cap_net_raw,,cap_net_admin'" },
	{ "leading_comma", PLAIN, ",cap_net_raw alice\n", 0,
	  "%s:1: capability list ',cap_net_raw' starts with a comma" },
	{ "only_commas", PLAIN, ",, alice\n", 0, "%s:1: capability list ',,' starts with a comma" },
	{ "trailing_comma", PLAIN, "\n\ncap_net_raw, alice\n", 0,
	  "%s:3: trailing comma in capability list 'cap_net_raw,'" },
	{ "at_alone", PLAIN, "cap_net_raw @\n", 0, "%s:1: '@' without a group name" },
	{ "double_at", PLAIN, "cap_net_raw @@webdevs\n", 0,
	  "%s:1: '@@webdevs' is not a valid group name" },
	{ "at_star", PLAIN, "cap_net_raw @*\n", 0, "%s:1: '@*' is not a valid group name" },
	{ "star_in_user_list", PLAIN, "cap_net_raw alice * bob\n", 0,
	  "%s:1: '*' must be the only name on its line" },
	{ "star_prefix", PLAIN, "cap_net_raw *alice\n", 0, "%s:1: '*alice': '*' must stand alone" },
	{ "nul_byte", PLAIN, nul_content, sizeof(nul_content) - 1, "%s:2: NUL byte in line" },
	{ "control_character", PLAIN, "cap_net_raw ali\001ce\n", 0,
	  "%s:1: control character 0x01 in line" },
	{ "bare_carriage_return", PLAIN, "cap_net_raw alice\rbob\n", 0,
	  "%s:1: control character 0x0d in line" },
	{ "overlong_line", PLAIN, long_line, 0, "%s:2: line is longer than 4096 bytes" },
	{ "none_with_capability", PLAIN, "none,cap_net_raw alice\n", 0,
	  "%s:1: 'none' cannot be combined with capabilities" },
	{ "capability_with_none", PLAIN, "cap_net_raw,NONE alice\n", 0,
	  "%s:1: 'none' cannot be combined with capabilities" },
	{ "number_out_of_range", PLAIN, "64 alice\n", 0,
	  "%s:1: capability number 64 is out of range (0-63)" },
	{ "all_is_not_a_capability", PLAIN, "all alice\n", 0,
	  "%s:1: 'all' is not a capability" },
	{ "capabilities_without_users", PLAIN, "# header\ncap_net_raw   # nobody\n", 0,
	  "%s:2: 'cap_net_raw' is not followed by any user or group" },
	{ "space_after_comma", PLAIN, "cap_net_raw, cap_net_admin alice\n", 0,
	  "%s:1: trailing comma in capability list 'cap_net_raw,'" },
	{ "space_before_comma", PLAIN, "cap_net_raw ,cap_net_admin alice\n", 0,
	  "%s:1: ',' in name ',cap_net_admin'" },
	{ "colon_in_name", PLAIN, "cap_net_raw alice:x\n", 0,
	  "%s:1: ':' is not allowed in name (not shown: 7 bytes)" },
	{ "users_and_caps_swapped", PLAIN, "alice cap_net_raw\n", 0,
	  "%s:1: unknown capability 'alice'" },
	{ "bad_line_in_dropin", DROPIN, "cap_net_raw alice\ncap_net_rwa bob\n", 0,
	  "%s:2: unknown capability 'cap_net_rwa'" },
	{ "world_writable_dropin", DROPIN_0646, "cap_net_raw alice\n", 0,
	  "%s: writable by group or others (mode 0646)" },
	{ "world_writable_dropin_dir", DROPIN_DIR_0777, "cap_net_raw alice\n", 0,
	  "%s: directory is writable by group or others (mode 0777)" },
	{ "dropin_dir_symlink", DROPIN_DIR_SYMLINK, "cap_net_raw alice\n", 0,
	  "%s: is a symbolic link" },
	{ "missing_confdir", DROPIN_MISSING_DIR, NULL, 0,
	  "%s: cannot open directory: No such file or directory" },
};

static void write_n(const char *path, const char *content, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void run_case(void **state)
{
	const struct bad *c = *state;
	char dir[600], conf[700], dropdir[700], offending[1024], opts[2048], expect[2048];
	struct h_result r;
	size_t len = c->content ? (c->len ? c->len : strlen(c->content)) : 0;
	const char *foreign = getenv("AMBCAPS_TEST_FOREIGN");

	h_reset_caps();
	snprintf(dir, sizeof(dir), "%s", h_newdir());
	snprintf(conf, sizeof(conf), "%s/ambcaps.conf", dir);
	snprintf(dropdir, sizeof(dropdir), "%s/ambcaps.d", dir);
	snprintf(offending, sizeof(offending), "%s", conf);
	snprintf(opts, sizeof(opts), "conf=%s", conf);

	switch (c->setup) {
	case PLAIN:
		write_n(conf, c->content, len, 0644);
		break;
	case MODE_0664:
	case MODE_0646:
	case MODE_0666:
		write_n(conf, c->content, len,
			c->setup == MODE_0664 ? 0664 : c->setup == MODE_0646 ? 0646 : 0666);
		break;
	case FOREIGN_OWNER:
		assert_non_null(foreign);
		snprintf(offending, sizeof(offending), "%s", foreign);
		snprintf(opts, sizeof(opts), "conf=%s", foreign);
		break;
	case SYMLINK: {
		char target[800];

		snprintf(target, sizeof(target), "%s/real.conf", dir);
		write_n(target, c->content, len, 0644);
		assert_int_equal(symlink(target, conf), 0);
		break;
	}
	case FIFO:
		assert_int_equal(mkfifo(conf, 0644), 0);
		break;
	case DIRECTORY:
		assert_int_equal(mkdir(conf, 0755), 0);
		break;
	case DIR_0777:
	case DIR_0775:
		write_n(conf, c->content, len, 0644);
		assert_int_equal(chmod(dir, c->setup == DIR_0777 ? 0777 : 0775), 0);
		snprintf(offending, sizeof(offending), "%s", dir);
		break;
	case ANCESTOR_0777: {
		char real[PATH_MAX];

		snprintf(conf, sizeof(conf), "%s/sub", dir);
		assert_int_equal(mkdir(conf, 0755), 0);
		snprintf(conf, sizeof(conf), "%s/sub/ambcaps.conf", dir);
		snprintf(opts, sizeof(opts), "conf=%s", conf);
		write_n(conf, c->content, len, 0644);
		assert_int_equal(chmod(dir, 0777), 0);
		assert_non_null(realpath(dir, real));
		snprintf(offending, sizeof(offending), "%.1000s", real);
		break;
	}
	case LINK_TO_UNSAFE: {
		char real[PATH_MAX];

		snprintf(conf, sizeof(conf), "%s/unsafe", dir);
		assert_int_equal(mkdir(conf, 0777), 0);
		assert_int_equal(chmod(conf, 0777), 0);
		assert_non_null(realpath(conf, real));
		snprintf(offending, sizeof(offending), "%.1000s", real);
		snprintf(conf, sizeof(conf), "%s/unsafe/sub", dir);
		assert_int_equal(mkdir(conf, 0755), 0);
		snprintf(opts, sizeof(opts), "%s/link", dir);
		assert_int_equal(symlink(conf, opts), 0);
		snprintf(conf, sizeof(conf), "%s/unsafe/sub/ambcaps.conf", dir);
		write_n(conf, c->content, len, 0644);
		snprintf(opts, sizeof(opts), "conf=%s/link/ambcaps.conf", dir);
		break;
	}
	case MISSING:
		break;
	case OVERSIZE: {
		int fd = open(conf, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		assert_true(fd >= 0);
		assert_int_equal(ftruncate(fd, 16 * 1024 * 1024 + 1), 0);
		close(fd);
		break;
	}
	case DROPIN:
	case DROPIN_0646:
	case DROPIN_DIR_0777:
	case DROPIN_DIR_SYMLINK:
	case DROPIN_MISSING_DIR: {
		char path[900], realdir[800];

		write_n(conf, "cap_net_bind_service alice\n", 27, 0644);
		snprintf(opts, sizeof(opts), "conf=%s confdir=%s", conf, dropdir);
		if (c->setup == DROPIN_MISSING_DIR) {
			snprintf(offending, sizeof(offending), "%s", dropdir);
			break;
		}
		if (c->setup == DROPIN_DIR_SYMLINK) {
			snprintf(realdir, sizeof(realdir), "%s/real.d", dir);
			assert_int_equal(mkdir(realdir, 0755), 0);
			assert_int_equal(symlink(realdir, dropdir), 0);
			snprintf(offending, sizeof(offending), "%s", dropdir);
			snprintf(path, sizeof(path), "%s/10-ok.conf", realdir);
			write_n(path, c->content, len, 0644);
			break;
		}
		assert_int_equal(mkdir(dropdir, c->setup == DROPIN_DIR_0777 ? 0777 : 0755), 0);
		assert_int_equal(chmod(dropdir, c->setup == DROPIN_DIR_0777 ? 0777 : 0755), 0);
		snprintf(path, sizeof(path), "%s/10-good.conf", dropdir);
		write_n(path, "cap_net_admin alice\n", 20, 0644);
		snprintf(path, sizeof(path), "%s/20-bad.conf", dropdir);
		write_n(path, c->content, len, c->setup == DROPIN_0646 ? 0646 : 0644);
		snprintf(offending, sizeof(offending), "%s",
			 c->setup == DROPIN_DIR_0777 ? dropdir : path);
		break;
	}
	}

	h_run("svc", opts, "alice", H_SESSION, 0, &r);
	{
		const char *mark = strstr(c->expect, "%s");

		assert_non_null(mark);
		snprintf(expect, sizeof(expect), "%.*s%s%s", (int)(mark - c->expect), c->expect,
			 offending, mark + 2);
	}
	if (r.rc != PAM_SERVICE_ERR)
		fail_msg("%s: rc %d, expected PAM_SERVICE_ERR\n%s", c->name, r.rc, r.log);
	assert_int_equal(r.amb, 0);
	assert_int_equal(r.inh, 0);
	assert_int_equal(r.child_amb, 0);
	assert_int_equal(r.child_inh, 0);
	if (strncmp(r.log, "<3> ", 4) != 0 || strstr(r.log, expect) == NULL ||
	    strstr(r.log, "configuration refused, nothing granted") == NULL)
		fail_msg("%s: expected a LOG_ERR line with \"%s\", got:\n%s", c->name, expect, r.log);
	if (strchr(r.log, '$') != NULL || strstr(r.log, "abJnggxhB2Ycc") != NULL)
		fail_msg("%s: the log shows the file's text:\n%s", c->name, r.log);

	/* setcred refuses the same way */
	h_run("svc", opts, "alice", H_SETCRED, PAM_ESTABLISH_CRED, &r);
	assert_int_equal(r.rc, PAM_SERVICE_ERR);
	assert_int_equal(r.inh, 0);
	assert_int_equal(r.amb, 0);
}

int main(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	char *p = long_line;

	/* line 1 fine, line 2 one byte over the limit */
	p += sprintf(p, "cap_net_raw bob\n");
	memcpy(p, "cap_net_raw ", 12);
	memset(p + 12, 'a', LONG_LINE_LEN - 12);
	p[LONG_LINE_LEN] = '\n';
	p[LONG_LINE_LEN + 1] = '\0';

	for (size_t i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	h_init();
	return _cmocka_run_group_tests("bad configurations", tests, n, NULL, NULL);
}
