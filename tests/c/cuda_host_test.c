/* The CUDA libraries' host side, on a machine that may have no GPU: every kernel links, reports its
 * variant, validates pointers and sizes before touching the device, and without a CUDA driver
 * returns an error code instead of crashing. (tools/gpu_check.sh runs them on a GPU.) */
#include "test_kernels.h"

#include "expect.h"

#include "convgen/registry.h"
#include "convgen/status.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define REGISTER(name)                                                                                  \
    do {                                                                                                 \
        convgen_registry_add(name##_kernel());                                                           \
        EXPECT(strcmp(name##_variant(), "cuda") == 0, "%s runs %s", #name, name##_variant());            \
        EXPECT(strstr(#name, "_cuda") != NULL, "%s: CUDA entry points carry the _cuda suffix", #name);   \
    } while (0);

int main(void) {
    CONVGEN_TEST_REGISTER_ALL(REGISTER)
    void *driver = dlopen("libcuda.so.1", RTLD_LAZY);
    printf("CUDA driver %s\n", driver ? "present: device calls not exercised here" : "absent");
    char fake[64];
    for (int i = 0; i < convgen_registry_count(); ++i) {
        const convgen_kernel *k = convgen_registry_at(i);
        const int64_t iw = convgen_conv1d_min_length(&k->desc), mb = k->desc.mb > 0 ? k->desc.mb : 1;
        EXPECT(k->fn(NULL, fake, fake, fake, mb, iw) == CONVGEN_ERROR_NULL_POINTER, "%s: NULL src", k->name);
        EXPECT(k->fn(fake, fake, fake, fake, 0, iw) == CONVGEN_ERROR_BAD_SIZE, "%s: batch 0", k->name);
        if (iw > 1 && k->desc.iw == 0)
            EXPECT(k->fn(fake, fake, fake, fake, mb, iw - 1) == CONVGEN_ERROR_BAD_SIZE, "%s: short input", k->name);
        if (!driver)
            EXPECT(k->fn(fake, fake, fake, fake, mb, iw) == CONVGEN_ERROR_KERNEL, "%s: no driver must be an error",
                   k->name);
    }
    EXPECT(convgen_registry_count() > 40, "only %d CUDA kernels", convgen_registry_count());
    return expect_summary();
}
