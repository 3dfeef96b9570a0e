/* Kernel console output and fatal errors (kernel/printk.c). */
#ifndef TESSERA_KERNEL_PRINTK_H
#define TESSERA_KERNEL_PRINTK_H

/* Print to the console (SBI first, the board's UART once found). */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* printk(line) plus a newline; for mm/'s line callbacks (arg unused). */
void printk_line(void *arg, const char *line);

/*
 * A kernel invariant is broken: print "panic: <message>" and a backtrace,
 * then stop.  Never for bad input: that gets an error code.
 */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
