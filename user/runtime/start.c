/*
 * From _start to main and back: argc/argv/envp, the constructors, and
 * main's return value handed to exit().
 */
#include <stdlib.h>

#include "runtime.h"

int main(int argc, char **argv, char **envp);
void __libc_init_array(void);

long runtime_pager;
extern char **environ;          /* picolibc's: getenv reads it */

/*
 * Called by _start with the pager's slot and the initial sp: argc there,
 * argv after it, envp after argv's NULL (lib/argv.h).  Runs main and exits
 * with its value.
 */
void __attribute__((noreturn)) __tessera_start(long pager, long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;

	runtime_pager = pager;
	environ = envp;
	__libc_init_array();
	exit(main(argc, argv, envp));
}
