/*
 * From _start to main and back: argc/argv/envp, the constructors, and
 * main's return value handed to exit().
 */
#include <stdlib.h>

#include "runtime.h"

int main(int argc, char **argv, char **envp);
void __libc_init_array(void);

long runtime_pager;

/*
 * The spawner does not pass arguments yet (PAGER_SPAWN carries one word):
 * argv[0] is a fixed placeholder, argv[1] NULL, and the environment empty.
 */
static char program_name[] = "program";
static char *argv_default[] = { program_name, NULL };
static char *envp_default[] = { NULL };

/* Called by _start with the pager's slot; runs main and exits with its value. */
void __attribute__((noreturn)) __tessera_start(long pager)
{
	runtime_pager = pager;
	__libc_init_array();
	exit(main(1, argv_default, envp_default));
}
