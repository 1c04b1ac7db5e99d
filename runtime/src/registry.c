/* The kernel registry: a growable array of pointers, searched linearly (tens of kernels). */
#include "convgen/registry.h"

#include "convgen/status.h"

#include <stdlib.h>
#include <string.h>

static const convgen_kernel **g_kernels;
static int g_count, g_capacity;

int convgen_registry_add(const convgen_kernel *k) {
    if (!k || !k->name || !k->fn) return CONVGEN_ERROR_NULL_POINTER;
    for (int i = 0; i < g_count; ++i) {
        if (strcmp(g_kernels[i]->name, k->name) == 0) {
            g_kernels[i] = k;
            return CONVGEN_OK;
        }
    }
    if (g_count == g_capacity) {
        int cap = g_capacity ? 2 * g_capacity : 16;
        const convgen_kernel **grown = realloc((void *)g_kernels, (size_t)cap * sizeof *grown);
        if (!grown) return CONVGEN_ERROR_OUT_OF_MEMORY;
        g_kernels = grown;
        g_capacity = cap;
    }
    g_kernels[g_count++] = k;
    return CONVGEN_OK;
}

const convgen_kernel *convgen_registry_find(const char *name) {
    if (!name) return NULL;
    for (int i = 0; i < g_count; ++i)
        if (strcmp(g_kernels[i]->name, name) == 0) return g_kernels[i];
    return NULL;
}

int convgen_registry_count(void) { return g_count; }

const convgen_kernel *convgen_registry_at(int i) { return i >= 0 && i < g_count ? g_kernels[i] : NULL; }

void convgen_registry_clear(void) {
    free((void *)g_kernels);
    g_kernels = NULL;
    g_count = g_capacity = 0;
}
