/* Kernel contexts: what a thread switch saves (arch/riscv/context.S). */
#ifndef TESSERA_ARCH_RISCV_CONTEXT_H
#define TESSERA_ARCH_RISCV_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

struct kcontext {
	uint64_t ra, sp, s[12];
};

_Static_assert(offsetof(struct kcontext, sp) == 8 && offsetof(struct kcontext, s) == 16,
	       "struct kcontext matches arch/riscv/context.S");

/* Save the current context in from and continue from `to`. */
void kcontext_switch(struct kcontext *from, const struct kcontext *to);

void kcontext_start(void);

/*
 * Make c a context that, when switched to, runs fn(arg) on the stack that
 * ends at stack_top (16-byte aligned).  fn must not return.
 */
static inline void kcontext_prepare(struct kcontext *c, void (*fn)(void *), void *arg,
				    uint64_t stack_top)
{
	/* Only ra, sp, s0 and s1 are read on the way to fn. */
	c->ra = (uint64_t)kcontext_start;
	c->sp = stack_top;
	c->s[0] = (uint64_t)fn;
	c->s[1] = (uint64_t)arg;
}

#endif
