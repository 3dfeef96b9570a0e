/*
 * The platform-level interrupt controller (RISC-V PLIC specification
 * 1.0.0), for one device: the console's UART, whose interrupt goes to one
 * hart's supervisor context.
 *
 * Registers, from the PLIC's base: the priority of source n at 4 * n; the
 * enable bits of context c at 0x2000 + 0x80 * c (bit n % 32 of word n / 32);
 * the threshold of context c at 0x200000 + 0x1000 * c and its claim /
 * complete register 4 bytes after.  A source interrupts context c when it
 * is enabled there and its priority is above c's threshold.  Reading claim
 * returns the highest pending source (0: none) and masks it until the same
 * number is written back: the complete.  The kernel holds a claim while its
 * input ring is full (kernel/console_input.c), which is its flow control.
 *
 * Which context is whose comes from the PLIC's interrupts-extended: entry i
 * (a phandle of a hart's interrupt-controller, and a cause) is context i;
 * the S-mode one has cause 9 (supervisor external).  QEMU virt gives each
 * hart M then S; the JH7110's S7 monitor core has an M context only, so the
 * numbers cannot be computed from the hart id.
 */
#include "arch/riscv/csr.h"
#include "arch/riscv/mmu.h"
#include "lib/format.h"
#include "platform/plic.h"

#define PLIC_PRIORITY(irq) (4ul * (irq))
#define PLIC_ENABLE(ctx, irq) (0x2000ul + 0x80ul * (ctx) + 4ul * ((irq) / 32))
#define PLIC_THRESHOLD(ctx) (0x200000ul + 0x1000ul * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_THRESHOLD(ctx) + 4)
#define PLIC_SOURCES_MAX 1023     /* source 0 is "none" */
#define PLIC_CONTEXTS_MAX 15872

/* The one PLIC, once a route has set it up (plic_setup). */
static fdt_node_t plic_node = FDT_NONE;
static long plic_context;
static volatile uint32_t *priorities;   /* source n's at [n] */
static volatile uint32_t *enables;      /* the context's: source n is bit n % 32 of [n / 32] */
static volatile uint32_t *threshold;
static volatile uint32_t *claim_reg;    /* NULL: not set up */

/* The node whose phandle is `ph`, or FDT_NONE: a walk of the whole tree. */
static fdt_node_t node_by_phandle(const struct fdt *fdt, uint32_t ph)
{
	fdt_node_t n;
	uint32_t v;
	bool found;

	for (n = fdt_root(fdt); n != FDT_NONE; n = fdt_next_node(fdt, n))
		if (fdt_read_u32(fdt, n, "phandle", &v, &found) == FDT_OK && found && v == ph)
			return n;
	return FDT_NONE;
}

/* The interrupt parent of `node`: its own interrupt-parent or an ancestor's. */
static fdt_node_t interrupt_parent(const struct fdt *fdt, fdt_node_t node)
{
	uint32_t ph;
	bool found;

	for (; node != FDT_NONE; node = fdt_parent(fdt, node))
		if (fdt_read_u32(fdt, node, "interrupt-parent", &ph, &found) == FDT_OK && found)
			return node_by_phandle(fdt, ph);
	return FDT_NONE;
}

/* The PLIC context that interrupts hart `hartid` in S-mode, or -1. */
static long supervisor_context(const struct fdt *fdt, fdt_node_t plic, uint64_t hartid)
{
	struct fdt_prop p;
	uint32_t i, reg;
	bool found;

	if (!fdt_get_prop(fdt, plic, "interrupts-extended", &p) || p.len % 8)
		return -1;
	for (i = 0; i < p.len / 8 && i < PLIC_CONTEXTS_MAX; i++) {
		fdt_node_t intc = node_by_phandle(fdt, fdt_be32(p.value + 8 * i));
		fdt_node_t cpu = intc == FDT_NONE ? FDT_NONE : fdt_parent(fdt, intc);

		if (fdt_be32(p.value + 8 * i + 4) != IRQ_S_EXTERNAL || cpu == FDT_NONE)
			continue;
		if (fdt_read_u32(fdt, cpu, "reg", &reg, &found) == FDT_OK && found && reg == hartid)
			return (long)i;
	}
	return -1;
}

/* Map the 4 KiB page of register `off` and return the register's address. */
static volatile uint32_t *map_reg(uint64_t base, uint64_t off)
{
	uint8_t *page = mmu_map_io((base + off) & ~(uint64_t)(PAGE_SIZE - 1), PAGE_SIZE);

	return page ? (volatile uint32_t *)(page + ((base + off) & (PAGE_SIZE - 1))) : NULL;
}

/* One line for the boot report in what; false. */
static bool say(char *what, unsigned size, const char *why)
{
	snprint(what, size, "%s", why);
	return false;
}

/*
 * Set up the PLIC at node `plic` for hart `hartid` once: its S-mode
 * context, the pages of the priorities, that context's enable bits and its
 * threshold and claim register, threshold 0.  False with the reason in what.
 */
static bool plic_setup(const struct fdt *fdt, fdt_node_t plic, uint64_t hartid, char *what,
		       unsigned what_size)
{
	uint64_t base, size;
	long ctx;

	if (claim_reg)
		return plic == plic_node ? true
					 : say(what, what_size, "its interrupt parent is another PLIC");
	ctx = supervisor_context(fdt, plic, hartid);
	if (ctx < 0)
		return say(what, what_size, "the PLIC has no S-mode context for the boot hart");
	if (fdt_reg(fdt, plic, 0, &base, &size) != FDT_OK || size <= PLIC_CLAIM(ctx))
		return say(what, what_size, "the PLIC's reg does not cover its contexts");
	priorities = map_reg(base, PLIC_PRIORITY(0));
	enables = map_reg(base, PLIC_ENABLE(ctx, 0));
	threshold = map_reg(base, PLIC_THRESHOLD(ctx));
	if (!priorities || !enables || !threshold)
		return say(what, what_size, "no room to map the PLIC");
	*threshold = 0;
	plic_node = plic;
	plic_context = ctx;
	claim_reg = threshold + 1;
	return true;
}

bool plic_route(const struct fdt *fdt, fdt_node_t dev, uint64_t hartid, char *what,
		unsigned what_size)
{
	fdt_node_t plic = interrupt_parent(fdt, dev);
	uint32_t irq, ndev;
	bool found;

	if (plic == FDT_NONE || (!fdt_stringlist_contains(fdt, plic, "compatible", "riscv,plic0") &&
				 !fdt_stringlist_contains(fdt, plic, "compatible",
							  "sifive,plic-1.0.0")))
		return say(what, what_size, "its interrupt parent is no PLIC");
	if (fdt_read_u32(fdt, dev, "interrupts", &irq, &found) != FDT_OK || !found ||
	    fdt_read_u32(fdt, plic, "riscv,ndev", &ndev, &found) != FDT_OK || !found ||
	    irq == 0 || irq > ndev || irq > PLIC_SOURCES_MAX)
		return say(what, what_size, "no usable interrupts / riscv,ndev");
	if (!plic_setup(fdt, plic, hartid, what, what_size))
		return false;
	priorities[irq] = 1;                 /* any priority above threshold 0 */
	enables[irq / 32] |= 1u << (irq % 32);
	snprint(what, what_size, "PLIC source %u, context %ld (hart %lu in S-mode)", irq,
		plic_context, (unsigned long)hartid);
	return true;
}

void plic_disable(uint32_t irq)
{
	if (claim_reg && irq && irq <= PLIC_SOURCES_MAX)
		enables[irq / 32] &= ~(1u << (irq % 32));
}

uint32_t plic_claim(void)
{
	return claim_reg ? *claim_reg : 0;
}

void plic_complete(uint32_t irq)
{
	if (claim_reg)
		*claim_reg = irq;
}
