/*
 * args: what main() is given.  Prints argc and each argv[i] quoted (argv[0]
 * too: run it as "args"), checks that argv[argc] is NULL, that envp ends in
 * NULL and is environ, and that getenv finds ARGS_GREETING exactly when
 * envp holds it.  Exits with the number in its last argument (atoi), 0
 * without arguments, so the status shows the arguments arrived.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

#define VAR "ARGS_GREETING"

/* The value of VAR in envp, read without getenv, or NULL. */
static const char *find_in(char **envp)
{
	size_t n = strlen(VAR);

	for (; *envp; envp++)
		if (strncmp(*envp, VAR, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

int main(int argc, char **argv, char **envp)
{
	const char *mine, *libc;
	int i, envc = 0;

	printf("argc %d\n", argc);
	for (i = 0; i < argc; i++)
		printf("argv[%d] \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
	printf("argv[argc] %s\n", argv[argc] ? "set" : "NULL");
	while (envp[envc])
		envc++;
	printf("envp ends after %d strings; environ %s envp\n", envc,
	       environ == envp ? "is" : "is not");
	mine = find_in(envp);
	libc = getenv(VAR);
	printf("getenv(\"%s\") %s%s%s, %s the search of envp\n", VAR, libc ? "\"" : "",
	       libc ? libc : "NULL", libc ? "\"" : "",
	       (mine == libc || (mine && libc && strcmp(mine, libc) == 0)) ? "as" : "NOT as");
	return argc > 1 ? atoi(argv[argc - 1]) : 0;
}
