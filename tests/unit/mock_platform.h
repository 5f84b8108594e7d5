/*
 * mock_platform.h: test-side controls of the host mock of platform.h
 * (tests/unit/mock_platform.c).
 *
 * panic(), plat_exit(), plat_thread_exit() and plat_run() normally abort or exit the
 * test program.  A test that expects one wraps the statement:
 *
 *	CHECK(EXPECT_PANIC(pmm_free(p, 0)));
 *	CHECK(strstr(mock_panic_msg, "double free") != NULL);
 *	CHECK(EXPECT_EXIT(plat_exit(3)) == 3);
 *	CHECK(EXPECT_EXIT(plat_run()) == MOCK_EXIT_RUN);
 *
 * EXPECT_PANIC evaluates to 1 if the statement panicked (control comes
 * back through longjmp, so state the statement was changing may be half
 * updated), 0 if it completed.  EXPECT_EXIT evaluates to the exit status,
 * or -1 if the statement returned.
 *
 * The variables below are the mock's state; tests may read and set them.
 * The guest address space has its own mock and header, mock_user.[ch].
 */
#ifndef TESTS_UNIT_MOCK_PLATFORM_H
#define TESTS_UNIT_MOCK_PLATFORM_H

#include <setjmp.h>
#include <stdint.h>

#include "platform/platform.h"

extern jmp_buf *mock_panic_jmp;		/* armed by EXPECT_PANIC */
extern char mock_panic_msg[1024];	/* the last panic's message */
extern int mock_panic_count;

extern jmp_buf *mock_exit_jmp;		/* armed by EXPECT_EXIT */
extern int mock_exit_status;

/* plat_run and plat_thread_exit "exit" with these statuses. */
#define MOCK_EXIT_RUN		1000
#define MOCK_EXIT_THREAD_EXIT	1001
extern struct plat_regs mock_user_regs;	/* of the last plat_thread_create */
extern int mock_user_entered;		/* calls of plat_thread_create */
extern int mock_yields;			/* calls of plat_yield */
extern int mock_interrupts;		/* calls of plat_thread_interrupt */
extern uint64_t mock_alarm_ns;		/* plat_alarm_set's last deadline */
extern int mock_alarm_sets;		/* calls of plat_alarm_set */
extern uint64_t mock_wall_adjust;	/* plat_wallclock_set's offset */
extern uint64_t mock_thread_cpu_ns;	/* plat_thread_cpu_ns of any thread */
struct plat_thread;
/* Make t the thread plat_thread_self() returns. */
void plat_thread_set_current(struct plat_thread *t);

/*
 * Page budget of plat_pages_alloc (in pages; it returns NULL beyond it)
 * and the pages currently allocated.
 */
extern uint64_t mock_pages_limit;
extern uint64_t mock_pages_in_use;

/* Everything written to the console, NUL-terminated; input to read. */
extern char *mock_console_out;
extern size_t mock_console_len;
void mock_console_feed(const void *buf, size_t len);	/* then notify */
/* The host's input ends after what was fed (plat_console_input_end). */
void mock_console_end(void);
extern void (*mock_console_notify)(void);	/* plat_console_set_notify */
void mock_console_reset(void);
void mock_console_winsize(uint16_t rows, uint16_t cols);	/* then notify */

extern const char *mock_cmdline;	/* plat_cmdline(), "" */
extern uint64_t mock_boot_ns;		/* plat_boot_ns(), 0 */
extern int mock_loglevel;		/* plat_loglevel(), 1 */
extern uint64_t mock_tls[2];		/* PLAT_TLS_FS, PLAT_TLS_GS */
extern struct plat_cpu_info mock_cpu_info;
extern int mock_crng_error;		/* nonzero: plat_crng_fill -EIO */
extern uint64_t mock_crng_state;	/* seed of its repeatable stream */

/*
 * plat_block never sleeps on the host.  If the word still holds the
 * expected value it counts the call (mock_block_calls), returns -EINTR
 * while mock_block_intr > 0 (decrementing it), else calls
 * mock_block_hook (standing for an interrupt or another thread) and
 * returns 0; without a hook a deadline gives -ETIMEDOUT at once, and no
 * deadline panics with "would sleep forever" (test with EXPECT_PANIC).
 */
extern void (*mock_block_hook)(const uint32_t *word);
extern int mock_block_calls;
extern int mock_block_intr;

#define EXPECT_PANIC(stmt) __extension__ ({				\
	jmp_buf mock_jb_;						\
	volatile int mock_r_ = 0;					\
	mock_panic_jmp = &mock_jb_;					\
	if (setjmp(mock_jb_) == 0) {					\
		stmt;							\
	} else {							\
		mock_r_ = 1;						\
	}								\
	mock_panic_jmp = NULL;						\
	mock_r_;							\
})

#define EXPECT_EXIT(stmt) __extension__ ({				\
	jmp_buf mock_jb_;						\
	volatile int mock_r_ = -1;					\
	mock_exit_jmp = &mock_jb_;					\
	if (setjmp(mock_jb_) == 0) {					\
		stmt;							\
	} else {							\
		mock_r_ = mock_exit_status;				\
	}								\
	mock_exit_jmp = NULL;						\
	mock_r_;							\
})

/* What plat_idle_set_work registered (the network stack's work). */
extern uint64_t (*mock_idle_work)(void);
/*
 * SEV-SNP guest requests: not available and -ENODEV (a plain guest)
 * unless a test sets these (tests/unit/test_sevguest.c links the PSP
 * model behind mock_snp_request).
 */
extern bool mock_snp_available;
extern int (*mock_snp_request)(uint8_t msg_type, uint8_t msg_version,
    const void *req, size_t req_len, void *resp, size_t resp_cap,
    size_t *resp_len, void *certs, size_t *certs_len, uint64_t *exitinfo2);

#endif
