/* Unit tests of conf.c: the language, the limits, safe reading, drop-ins. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/capability.h>

#include "conf.h"

#define B(n) CAPMASK_BIT(n)

struct seen {
	unsigned n;
	struct {
		capmask_t caps;
		bool none;
		unsigned line;
		size_t nwho;
		char who[8][64];
		enum who_kind kind[8];
	} r[64];
};

static int collect(const struct conf_rule *rule, void *ctx)
{
	struct seen *s = ctx;

	if (s->n >= 64)
		return 0;
	s->r[s->n].caps = rule->caps;
	s->r[s->n].none = rule->none;
	s->r[s->n].line = rule->line;
	s->r[s->n].nwho = rule->nwho;
	for (size_t i = 0; i < rule->nwho && i < 8; i++) {
		snprintf(s->r[s->n].who[i], 64, "%s", rule->who[i].name);
		s->r[s->n].kind[i] = rule->who[i].kind;
	}
	s->n++;
	return 0;
}

/* Parse TEXT (LEN bytes; 0 = strlen); returns conf_parse_buffer's result. */
static int parse(const char *text, size_t len, struct seen *s, struct amb_error *err)
{
	char *buf;
	int rc;

	if (len == 0)
		len = strlen(text);
	buf = malloc(len + 1);
	memcpy(buf, text, len);
	memset(s, 0, sizeof(*s));
	err->msg[0] = '\0';
	rc = conf_parse_buffer("t.conf", buf, len, collect, s, err);
	free(buf);
	return rc;
}

static void basic_rules(void **state)
{
	struct seen s;
	struct amb_error err;

	(void)state;
	assert_int_equal(parse("cap_net_bind_service  alice @webdevs\n"
			       "net_raw,CAP_NET_ADMIN @netops\n"
			       "none mallory\n"
			       "cap_sys_nice *\n", 0, &s, &err), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.r[0].caps, B(CAP_NET_BIND_SERVICE));
	assert_int_equal(s.r[0].nwho, 2);
	assert_string_equal(s.r[0].who[0], "alice");
	assert_int_equal(s.r[0].kind[0], WHO_USER);
	assert_string_equal(s.r[0].who[1], "webdevs");
	assert_int_equal(s.r[0].kind[1], WHO_GROUP);
	assert_int_equal(s.r[1].caps, B(CAP_NET_RAW) | B(CAP_NET_ADMIN));
	assert_true(s.r[2].none);
	assert_int_equal(s.r[2].caps, 0);
	assert_int_equal(s.r[3].kind[0], WHO_ALL);
	assert_int_equal(s.r[3].line, 4);
}

static void comments_blanks_whitespace(void **state)
{
	struct seen s;
	struct amb_error err;

	(void)state;
	assert_int_equal(parse("", 0, &s, &err), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(parse("# only\n   # comments\n\t\n\n", 0, &s, &err), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(parse("\tcap_net_raw\t\talice   bob  # trailing comment @x\n", 0, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.r[0].nwho, 2);
	assert_string_equal(s.r[0].who[1], "bob");
	/* '#' inside a word is part of the word */
	assert_int_equal(parse("cap_net_raw alice#1\n", 0, &s, &err), 0);
	assert_string_equal(s.r[0].who[0], "alice#1");
	/* trailing spaces, CRLF, no final newline */
	assert_int_equal(parse("cap_net_raw alice   \r\ncap_net_admin bob\r\ncap_sys_nice carol", 0, &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.r[0].who[0], "alice");
	assert_string_equal(s.r[1].who[0], "bob");
	assert_string_equal(s.r[2].who[0], "carol");
	assert_int_equal(s.r[2].line, 3);
}

static void line_length_limit(void **state)
{
	size_t len = CONF_MAX_LINE;
	char *text = malloc(len + 8);
	struct seen s;
	struct amb_error err;

	(void)state;
	/* exactly at the limit */
	memcpy(text, "cap_net_raw ", 12);
	memset(text + 12, 'u', len - 12);
	text[len] = '\n';
	assert_int_equal(parse(text, len + 1, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(strlen(s.r[0].who[0]), 63); /* truncated by the collector only */
	/* at the limit with CRLF: the CR does not count */
	text[len] = '\r';
	text[len + 1] = '\n';
	assert_int_equal(parse(text, len + 2, &s, &err), 0);
	/* one byte over */
	memset(text + 12, 'u', len + 1 - 12);
	text[len + 1] = '\n';
	assert_int_equal(parse(text, len + 2, &s, &err), -1);
	assert_string_equal(err.msg, "t.conf:1: line is longer than 4096 bytes");
	/* one byte over, last line, no newline */
	assert_int_equal(parse(text, len + 1, &s, &err), -1);
	free(text);
	/* far over, in one-letter names: refused without keeping more names than a line may hold */
	text = malloc(4 * len + 2);
	memcpy(text, "cap_net_raw", 11);
	for (size_t i = 11; i + 1 < 4 * len; i += 2)
		memcpy(text + i, " u", 2);
	text[4 * len - 1] = '\n';
	assert_int_equal(parse(text, 4 * len, &s, &err), -1);
	assert_string_equal(err.msg, "t.conf:1: line is longer than 4096 bytes");
	free(text);
}

static void errors_name_the_line(void **state)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "cap_net_raw alice\n\ncap_bogus x\n", "t.conf:3: unknown capability 'cap_bogus'" },
		{ "cap_net_raw\n", "t.conf:1: 'cap_net_raw' is not followed by any user or group" },
		{ "cap_net_raw, alice\n", "t.conf:1: trailing comma in capability list 'cap_net_raw,'" },
		{ "cap_net_raw @\n", "t.conf:1: '@' without a group name" },
		{ "cap_net_raw @@g\n", "t.conf:1: '@@g' is not a valid group name" },
		{ "cap_net_raw * alice\n", "t.conf:1: '*' must be the only name on its line" },
		{ "none,net_raw alice\n", "t.conf:1: 'none' cannot be combined with capabilities" },
		{ "99 alice\n", "t.conf:1: capability number 99 is out of range (0-63)" },
		{ "cap_net_raw a\x7f\n", "t.conf:1: control character 0x7f in line" },
	};
	struct seen s;
	struct amb_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i].text, 0, &s, &err), -1);
		if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
			fail_msg("'%s': got '%s'", bad[i].msg, err.msg);
	}
	/* an error after good lines: the rules before it were seen, the caller discards them */
	assert_int_equal(parse("cap_net_raw alice\nbogus bob\n", 0, &s, &err), -1);
	assert_int_equal(s.n, 1);
	assert_int_equal(parse("cap_net_raw a\0b\n", 16, &s, &err), -1);
	assert_string_equal(err.msg, "t.conf:1: NUL byte in line");
}

static void capability_names(void **state)
{
	capmask_t m;
	bool none;
	struct amb_error err;

	(void)state;
	assert_int_equal(conf_parse_caps("CAP_NET_RAW,net_admin,Cap_Sys_Nice", &m, &none, &err), 0);
	assert_int_equal(m, B(CAP_NET_RAW) | B(CAP_NET_ADMIN) | B(CAP_SYS_NICE));
	assert_false(none);
	assert_int_equal(conf_parse_caps("NoNe", &m, &none, &err), 0);
	assert_true(none);
	assert_int_equal(conf_parse_caps("13", &m, &none, &err), 0);
	assert_int_equal(m, B(13));
	assert_int_equal(conf_parse_caps("cap_net_raw,cap_net_raw", &m, &none, &err), 0);
	assert_int_equal(m, B(CAP_NET_RAW));
	assert_int_equal(conf_parse_caps("cap_", &m, &none, &err), -1);
	assert_int_equal(conf_parse_caps("13x", &m, &none, &err), -1);
	assert_int_equal(conf_parse_caps("-1", &m, &none, &err), -1);
	assert_int_equal(conf_parse_caps("cap_all", &m, &none, &err), -1);
	assert_int_equal(conf_parse_caps("", &m, &none, &err), -1);
}

static void repeated_capability_lists(void **state)
{
	struct seen s;
	struct amb_error err;

	(void)state;
	/* the parser caches the last list: it must still tell lists apart */
	assert_int_equal(parse("net_raw a\nnet_raw b\nnet_admin c\nnone d\nnone e\nnet_raw f\n",
			       0, &s, &err), 0);
	assert_int_equal(s.n, 6);
	assert_int_equal(s.r[1].caps, B(CAP_NET_RAW));
	assert_int_equal(s.r[2].caps, B(CAP_NET_ADMIN));
	assert_true(s.r[4].none);
	assert_false(s.r[5].none);
	assert_int_equal(s.r[5].caps, B(CAP_NET_RAW));
}

/* ---- files ---- */

static char tmp[256];

static int mktmp(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/ambcaps-unit.XXXXXX");
	assert_non_null(mkdtemp(tmp));
	return 0;
}

static int rmtmp(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *name, const char *text, off_t size, mode_t mode)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	if (text)
		assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	if (size >= 0)
		assert_int_equal(ftruncate(fd, size), 0);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static int count_rules(const struct conf_rule *rule, void *ctx)
{
	(void)rule;
	(*(unsigned *)ctx)++;
	return 0;
}

/* A file of exactly SIZE bytes of comment lines, with one rule at the very end. */
static void put_sized(const char *name, size_t size)
{
	static const char tail[] = "cap_net_raw alice\n";
	char path[512], line[100];
	size_t left = size - (sizeof(tail) - 1);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	f = fopen(path, "w");
	assert_non_null(f);
	memset(line, '#', sizeof(line));
	line[sizeof(line) - 1] = '\n';
	while (left >= sizeof(line)) {
		fwrite(line, 1, sizeof(line), f);
		left -= sizeof(line);
	}
	while (left-- > 0)
		fputc('\n', f);
	fputs(tail, f);
	fclose(f);
	chmod(path, 0644);
}

static void file_size_limit(void **state)
{
	char path[512];
	struct amb_error err;
	unsigned n = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/f.conf", tmp);
	put_sized("f.conf", CONF_MAX_FILE);
	assert_int_equal(conf_parse_file(path, geteuid(), false, NULL, count_rules, &n, &err), 0);
	assert_int_equal(n, 1); /* the rule in the very last line of a file at the limit */
	put_sized("f.conf", CONF_MAX_FILE + 1);
	assert_int_equal(conf_parse_file(path, geteuid(), false, NULL, count_rules, &n, &err), -1);
	assert_non_null(strstr(err.msg, "larger than the limit"));
	put("f.conf", "", 0, 0644);
	n = 0;
	assert_int_equal(conf_parse_file(path, geteuid(), false, NULL, count_rules, &n, &err), 0);
	assert_int_equal(n, 0);
}

static void lines_across_chunks(void **state)
{
	char path[512], *text, *p;
	struct amb_error err;
	struct seen s;
	size_t want = 3 * 64 * 1024 + 123;

	(void)state;
	/* lines of every length cross the reader's chunk boundaries; line numbers stay right */
	text = malloc(want + 200);
	p = text;
	for (unsigned i = 0; (size_t)(p - text) < want; i++)
		p += sprintf(p, "cap_net_raw u%u%.*s\r\n", i, (int)(i % 37), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	snprintf(path, sizeof(path), "%s/c.conf", tmp);
	put("c.conf", text, -1, 0644);
	memset(&s, 0, sizeof(s));
	assert_int_equal(conf_parse_file(path, geteuid(), false, NULL, collect, &s, &err), 0);
	assert_int_equal(s.n, 64); /* the collector keeps 64 */
	assert_int_equal(s.r[63].line, 64);
	/* an error far into the file names its line */
	p += sprintf(p, "cap_bogus x\n");
	put("c.conf", text, -1, 0644);
	assert_int_equal(conf_parse_file(path, geteuid(), false, NULL, collect, &s, &err), -1);
	assert_non_null(strstr(err.msg, "unknown capability 'cap_bogus'"));
	{
		unsigned lines = 0;

		for (char *q = text; *q; q++)
			lines += *q == '\n';
		snprintf(path, sizeof(path), "c.conf:%u:", lines);
		assert_non_null(strstr(err.msg, path));
	}
	/* a line longer than a whole chunk, with no newline anywhere */
	memset(text, 'a', 70000);
	memcpy(text, "cap_net_raw ", 12);
	text[70000] = '\0';
	put("c.conf", text, -1, 0644);
	snprintf(path, sizeof(path), "%s/c.conf", tmp);
	assert_int_equal(conf_parse_file(path, geteuid(), false, NULL, collect, &s, &err), -1);
	assert_non_null(strstr(err.msg, "c.conf:1: line is longer than 4096 bytes"));
	free(text);
}

static void file_checks(void **state)
{
	char path[512];
	struct amb_error err;
	unsigned n = 0;

	(void)state;
	assert_int_equal(conf_parse_file("relative.conf", geteuid(), false, NULL, count_rules, &n, &err), -1);
	assert_string_equal(err.msg, "relative.conf: not an absolute path");
	snprintf(path, sizeof(path), "%s/missing.conf", tmp);
	assert_int_equal(conf_parse_file(path, geteuid(), true, NULL, count_rules, &n, &err), 0);
	assert_int_equal(conf_parse_file(path, geteuid(), false, NULL, count_rules, &n, &err), -1);
	put("owned.conf", "cap_net_raw alice\n", -1, 0644);
	snprintf(path, sizeof(path), "%s/owned.conf", tmp);
	/* the file is ours; ask for another owner: the directory says no first */
	assert_int_equal(conf_parse_file(path, geteuid() + 1, false, NULL, count_rules, &n, &err), -1);
	assert_non_null(strstr(err.msg, "directory is owned by uid"));
	/* a file of someone else's in our own directory: the file's own owner check */
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(conf_parse_file(path, 0, false, NULL, count_rules, &n, &err), -1);
		if (strstr(err.msg, "owned.conf: owned by uid 65534, not root") == NULL)
			fail_msg("expected the file's owner check, got \"%s\"", err.msg);
		assert_int_equal(chown(path, 0, 0), 0);
	}
	put("ro.conf", "cap_net_raw alice\n", -1, 0400);
	snprintf(path, sizeof(path), "%s/ro.conf", tmp);
	assert_int_equal(conf_parse_file(path, geteuid(), false, NULL, count_rules, &n, &err), 0);
	assert_int_equal(n, 1);
}

static void dropin_order(void **state)
{
	char dir[512];
	struct conf_names names;
	struct amb_error err;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/d", tmp);
	assert_int_equal(mkdir(dir, 0755), 0);
	put("d/9-b.conf", "", -1, 0644);
	put("d/10-a.conf", "", -1, 0644);
	put("d/.hidden.conf", "", -1, 0644);
	put("d/notes.txt", "", -1, 0644);
	put("d/x.conf.bak", "", -1, 0644);
	put("d/.conf", "", -1, 0644);
	assert_int_equal(conf_list_dropins(dir, geteuid(), false, &names, &err), 1);
	assert_int_equal(names.n, 2);
	assert_string_equal(names.names[0], "10-a.conf");
	assert_string_equal(names.names[1], "9-b.conf");
	assert_int_equal(names.nignored, 4);
	conf_free_names(&names);
	/* a name that is not a drop-in's is shown with its control characters as '?' */
	put("d/two\nlines.txt", "", -1, 0644);
	assert_int_equal(conf_list_dropins(dir, geteuid(), false, &names, &err), 1);
	assert_int_equal(names.nignored, 5);
	assert_string_equal(names.ignored[3], "two?lines.txt"); /* sorted: after notes.txt */
	conf_free_names(&names);
	/* a drop-in's name with one: refused, and the message stays one line */
	put("d/50-x\n\033[31mgranted.conf", "cap_net_raw alice\n", -1, 0644);
	assert_int_equal(conf_list_dropins(dir, geteuid(), false, &names, &err), -1);
	if (strstr(err.msg, "/d: drop-in '50-x??[31mgranted.conf' has a byte other than printable ASCII in its name") == NULL)
		fail_msg("expected the control character refused, got \"%s\"", err.msg);
	snprintf(dir, sizeof(dir), "%s/d", tmp);
	snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/50-x\n\033[31mgranted.conf");
	assert_int_equal(unlink(dir), 0);
	/* a C1 control in UTF-8 (U+009B, CSI), a bidirectional override (U+202E): the same */
	put("d/50-\xc2\x9b" "31m.conf", "", -1, 0644);
	snprintf(dir, sizeof(dir), "%s/d", tmp);
	assert_int_equal(conf_list_dropins(dir, geteuid(), false, &names, &err), -1);
	if (strstr(err.msg, "drop-in '50-??31m.conf' has a byte other than printable ASCII") == NULL)
		fail_msg("expected the C1 control refused, got \"%s\"", err.msg);
	snprintf(dir, sizeof(dir), "%s/d/50-\xc2\x9b" "31m.conf", tmp);
	assert_int_equal(unlink(dir), 0);
	put("d/50-\xe2\x80\xae" "abc.conf", "", -1, 0644);
	snprintf(dir, sizeof(dir), "%s/d", tmp);
	assert_int_equal(conf_list_dropins(dir, geteuid(), false, &names, &err), -1);
	snprintf(dir, sizeof(dir), "%s/d/50-\xe2\x80\xae" "abc.conf", tmp);
	assert_int_equal(unlink(dir), 0);
	snprintf(dir, sizeof(dir), "%s/nodir", tmp);
	assert_int_equal(conf_list_dropins(dir, geteuid(), true, &names, &err), 0);
	assert_int_equal(conf_list_dropins(dir, geteuid(), false, &names, &err), -1);

	/* the limit on drop-ins: at it, read; one over, refused (other entries do not count) */
	snprintf(dir, sizeof(dir), "%s/many", tmp);
	assert_int_equal(mkdir(dir, 0755), 0);
	for (unsigned i = 0; i < CONF_MAX_DROPINS; i++) {
		char name[64];

		snprintf(name, sizeof(name), "many/%05u.conf", i);
		put(name, NULL, -1, 0644);
	}
	put("many/notes.txt", NULL, -1, 0644);
	assert_int_equal(conf_list_dropins(dir, geteuid(), false, &names, &err), 1);
	assert_int_equal(names.n, CONF_MAX_DROPINS);
	conf_free_names(&names);
	put("many/99999.conf", NULL, -1, 0644);
	assert_int_equal(conf_list_dropins(dir, geteuid(), false, &names, &err), -1);
	assert_non_null(strstr(err.msg, "more than 10000 drop-in files"));
}

static int stop_at_second(const struct conf_rule *rule, void *ctx)
{
	unsigned *n = ctx;

	(void)rule;
	return ++*n == 2 ? 42 : 0;
}

/* any non-zero answer stops everything, 1 included: the main file's first rule, no drop-in */
static int stop_at_first(const struct conf_rule *rule, void *ctx)
{
	unsigned *n = ctx;

	(void)rule;
	++*n;
	return 1;
}

static void load_all(void **state)
{
	char file[512], dir[512];
	struct conf_source src = { 0 };
	struct seen s;
	struct amb_error err;
	unsigned nfiles = 0, count = 0;

	(void)state;
	snprintf(file, sizeof(file), "%s/main.conf", tmp);
	snprintf(dir, sizeof(dir), "%s/main.d", tmp);
	put("main.conf", "cap_net_raw alice\n", -1, 0644);
	assert_int_equal(mkdir(dir, 0755), 0);
	put("main.d/20.conf", "cap_net_admin bob\n", -1, 0644);
	put("main.d/10.conf", "cap_sys_nice carol\n", -1, 0644);
	src.file = file;
	src.dir = dir;
	src.owner = geteuid();
	memset(&s, 0, sizeof(s));
	assert_int_equal(conf_load(&src, collect, &s, &nfiles, &err), 0);
	assert_int_equal(nfiles, 3);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.r[0].who[0], "alice");
	assert_string_equal(s.r[1].who[0], "carol");
	assert_string_equal(s.r[2].who[0], "bob");
	assert_int_equal(conf_load(&src, stop_at_second, &count, NULL, &err), 42);
	count = 0;
	assert_int_equal(conf_load(&src, stop_at_first, &count, &nfiles, &err), 1);
	assert_int_equal(count, 1);
	assert_int_equal(nfiles, 1);
	{
		bool found = true;

		assert_int_equal(conf_parse_file(file, geteuid(), false, &found, collect, &s, &err), 0);
		assert_true(found);
		snprintf(file, sizeof(file), "%s/missing.conf", tmp);
		assert_int_equal(conf_parse_file(file, geteuid(), true, &found, collect, &s, &err), 0);
		assert_false(found);
		snprintf(file, sizeof(file), "%s/main.conf", tmp);
	}
	put("main.d/30.conf", "cap_bogus dave\n", -1, 0644);
	assert_int_equal(conf_load(&src, collect, &s, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "main.d/30.conf:1: unknown capability 'cap_bogus'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(basic_rules),
		cmocka_unit_test(comments_blanks_whitespace),
		cmocka_unit_test(line_length_limit),
		cmocka_unit_test(errors_name_the_line),
		cmocka_unit_test(capability_names),
		cmocka_unit_test(repeated_capability_lists),
		cmocka_unit_test_setup_teardown(file_size_limit, mktmp, rmtmp),
		cmocka_unit_test_setup_teardown(file_checks, mktmp, rmtmp),
		cmocka_unit_test_setup_teardown(lines_across_chunks, mktmp, rmtmp),
		cmocka_unit_test_setup_teardown(dropin_order, mktmp, rmtmp),
		cmocka_unit_test_setup_teardown(load_all, mktmp, rmtmp),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
