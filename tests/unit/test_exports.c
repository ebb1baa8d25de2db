/* The built module exports the four PAM entry points and nothing else: the exact set. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void *module;

static void entry_points(void **state)
{
	static const char *const want[] = {
		"pam_sm_open_session", "pam_sm_close_session", "pam_sm_setcred", "pam_sm_authenticate",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (dlsym(module, want[i]) == NULL)
			fail_msg("%s is not exported", want[i]);
}

static char file[4096];

/*
 * The exact set of symbols the module defines for others (its ELF dynamic
 * symbol table): the four entry points and nothing else, whatever names
 * the code grows.
 */
static void nothing_else(void **state)
{
	static const char *const want[] = {
		"pam_sm_authenticate", "pam_sm_close_session", "pam_sm_open_session", "pam_sm_setcred",
	};
	int fd = open(file, O_RDONLY);
	struct stat st;
	const unsigned char *img;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	unsigned found = 0;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	assert_true(img != MAP_FAILED);
	eh = (const Elf64_Ehdr *)img;
	assert_int_equal(memcmp(eh->e_ident, ELFMAG, SELFMAG), 0);
	assert_int_equal(eh->e_ident[EI_CLASS], ELFCLASS64);
	sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		const Elf64_Sym *sym;
		const char *names;
		size_t n;

		if (sh[i].sh_type != SHT_DYNSYM)
			continue;
		sym = (const Elf64_Sym *)(img + sh[i].sh_offset);
		names = (const char *)(img + sh[sh[i].sh_link].sh_offset);
		n = sh[i].sh_size / sizeof(*sym);
		for (size_t k = 0; k < n; k++) {
			const char *name = names + sym[k].st_name;
			bool known = false;

			if (sym[k].st_shndx == SHN_UNDEF || ELF64_ST_BIND(sym[k].st_info) == STB_LOCAL ||
			    ELF64_ST_TYPE(sym[k].st_info) == STT_SECTION || name[0] == '\0')
				continue;
			for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++)
				known |= strcmp(name, want[w]) == 0;
			if (!known)
				fail_msg("%s is exported", name);
			found++;
		}
	}
	munmap((void *)img, (size_t)st.st_size);
	assert_int_equal(found, sizeof(want) / sizeof(want[0]));
}

int main(void)
{
	const char *path = getenv("AMBCAPS_BUILDDIR");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entry_points),
		cmocka_unit_test(nothing_else),
	};

	snprintf(file, sizeof(file), "%s/.libs/pam_ambcaps.so", path ? path : ".");
	module = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (module == NULL) {
		fprintf(stderr, "dlopen %s: %s\n", file, dlerror());
		return 99;
	}
	return cmocka_run_group_tests_name("exports", tests, NULL, NULL);
}
