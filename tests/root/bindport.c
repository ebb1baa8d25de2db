/*
 * bindport PORT: bind TCP 127.0.0.1:PORT and report. Exits 0 when bound,
 * 1 when the kernel refused. The demo and the root tests use it to show
 * CAP_NET_BIND_SERVICE at work without any setuid or file capability.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	int fd, one = 1;
	long port = argc > 1 ? strtol(argv[1], NULL, 10) : 80;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		printf("uid %u: cannot bind 127.0.0.1:%ld: %s\n", (unsigned)getuid(), port,
		       strerror(errno));
		return 1;
	}
	printf("uid %u: bound 127.0.0.1:%ld\n", (unsigned)getuid(), port);
	close(fd);
	return 0;
}
