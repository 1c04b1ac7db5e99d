/* EXPECT for the C test programs: counts checks, prints each failure with its location; the program
 * ends with expect_summary(), which prints "N passed, N failed" and gives the exit status. */
#ifndef CONVGEN_TEST_EXPECT_H
#define CONVGEN_TEST_EXPECT_H

#include <stdio.h>

static int g_failed, g_passed;

#define EXPECT(cond, ...)                               \
    do {                                                \
        if (cond) {                                     \
            ++g_passed;                                 \
        } else {                                        \
            ++g_failed;                                 \
            printf("FAIL %s:%d: ", __FILE__, __LINE__); \
            printf(__VA_ARGS__);                        \
            printf("\n");                               \
        }                                               \
    } while (0)

static inline int expect_summary(void) {
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}

#endif
