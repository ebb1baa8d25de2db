/*
 * A syslog sink for the root-level tests: binds a datagram socket at
 * argv[1] (the test's private /dev/log) and appends each message, one per
 * line, to argv[2]. Runs until killed.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa;
	char buf[8192];
	FILE *out;
	int fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: logsink SOCKET FILE\n");
		return 2;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("logsink: bind");
		return 1;
	}
	chmod(argv[1], 0666);
	out = fopen(argv[2], "a");
	if (out == NULL) {
		perror("logsink: open");
		return 1;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n <= 0)
			continue;
		buf[n] = '\0';
		fprintf(out, "%s\n", buf);
		fflush(out);
	}
}
