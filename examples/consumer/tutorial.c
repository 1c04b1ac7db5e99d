/* The seed tutorial's example through the generated kernel: input 1..6, weights 2 2 -> 6 10 14 18 22.
 * Needs only the generated library, so it also runs cross-compiled (e.g. for aarch64 under qemu). */
#include "kernels.h"

#include <stdio.h>

int main(void) {
    const float src[6] = {1, 2, 3, 4, 5, 6}, wei[2] = {2, 2}, want[5] = {6, 10, 14, 18, 22};
    float dst[5] = {0};
    int rc = tutorial(src, wei, NULL, dst, 1, 6), ok = rc == CONVGEN_OK;
    for (int i = 0; i < 5; ++i) ok = ok && dst[i] == want[i];
    printf("tutorial (%s): %g %g %g %g %g\n", tutorial_variant(), dst[0], dst[1], dst[2], dst[3], dst[4]);
    printf("%d passed, %d failed\n", ok, !ok);
    return ok ? 0 : 1;
}
