/*
 * pclient's modes and what its files share (user/tests/pclient.c has the
 * program's entry and the PC_CHECKS checks; pclient_stress.c, pclient_share.c
 * and pclient_fuzz.c one mode each).
 */
#ifndef TESSERA_USER_TESTS_PCLIENT_H
#define TESSERA_USER_TESTS_PCLIENT_H

#include "pager/client.h"

enum pclient_mode {
	PC_CHECKS,
	PC_STACK_OVERFLOW,
	PC_WRITE_TEXT,
	PC_UNMAPPED,
	PC_OUT_OF_MEMORY,
	PC_EXEC_DATA,
	PC_COPY_ON_WRITE,
	PC_STRESS,
	PC_FAULT_FOREVER,
	PC_PROTECTED_WRITE,
	PC_SHARE_OFFER,           /* arg: mode | the taker's client id << 8 */
	PC_SHARE_TAKE,
	PC_FUZZ,
};

/* Exit code of a mode that must be ended when a request setting it up fails. */
#define PC_REQUEST_FAILED 90

#define CHILD_STACK 0x4000ul      /* a fork child's stack (fork_and_wait) */
#define SHARE_WAIT 200000         /* yields before a partner counts as lost (wait_for) */

extern long pager;                /* our pager's endpoint, from main's argument */
extern uint64_t data_words[512];  /* a data page of the image (not anonymous) */

/* The pager's audit: its reverse map agrees with every region and count. */
void check_books(const char *when);
/* How many mappings hold the page we have at va (the pager's reverse map). */
long page_users(const volatile uint64_t *va);
/* Yield until *word == value; false if it never comes. */
bool wait_for(const volatile uint64_t *word, uint64_t value);
/*
 * Fork a copy of ourselves that starts in entry(arg) on a stack of its own
 * (a fresh region, copied empty); wait for it.  Its exit code, or 1000.
 */
long fork_and_wait(void (*entry)(uint64_t), uint64_t arg);

/* The modes in other files; each checks with check() and reports failures. */
void stress(void);                 /* PC_STRESS: pclient_stress.c */
int share_offer(uint64_t taker);   /* PC_SHARE_OFFER: pclient_share.c; returns failures */
int share_take(void);              /* PC_SHARE_TAKE: pclient_share.c; returns failures */
void fuzz(void);                   /* PC_FUZZ: pclient_fuzz.c */
void bad_requests(void);           /* the refusals table: pclient_fuzz.c */

#endif
