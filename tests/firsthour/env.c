/*
 * The default environment a guest starts with (scripts/default-root and
 * the kernel's default PATH and HOME): prints what a program looks up
 * first.  Built with musl and with glibc by tests/integration/firsthour.sh.
 */
#include <grp.h>
#include <locale.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

int
main(void)
{
	struct addrinfo hints, *res = NULL;
	struct passwd *pw;
	struct group *gr;
	const char *loc;
	char addr[64];
	int rc;

	printf("PATH=%s\n", getenv("PATH") ? getenv("PATH") : "(unset)");
	printf("HOME=%s\n", getenv("HOME") ? getenv("HOME") : "(unset)");
	loc = setlocale(LC_ALL, "C.UTF-8");
	printf("setlocale C.UTF-8: %s\n", loc ? loc : "(failed)");
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo("localhost", NULL, &hints, &res);
	if (rc != 0) {
		printf("getaddrinfo localhost: %s\n", gai_strerror(rc));
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr,
		    addr, sizeof(addr));
		printf("getaddrinfo localhost: %s\n", addr);
		freeaddrinfo(res);
	}
	pw = getpwuid(0);
	printf("getpwuid 0: %s %s\n", pw ? pw->pw_name : "(none)",
	    pw ? pw->pw_dir : "");
	gr = getgrgid(0);
	printf("getgrgid 0: %s\n", gr ? gr->gr_name : "(none)");
	return 0;
}
