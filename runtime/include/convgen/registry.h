/* A process-wide table of generated kernels, looked up by name (used by the CLI and tests). */
#ifndef CONVGEN_REGISTRY_H
#define CONVGEN_REGISTRY_H

#include "convgen/conv1d.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Registers k (not copied: it must outlive the registry). A name already present is replaced.
 * Returns CONVGEN_OK, CONVGEN_ERROR_NULL_POINTER or CONVGEN_ERROR_OUT_OF_MEMORY. */
int convgen_registry_add(const convgen_kernel *k);

/* The kernel registered under name, or NULL. */
const convgen_kernel *convgen_registry_find(const char *name);

int convgen_registry_count(void);
const convgen_kernel *convgen_registry_at(int i);

/* Empties the registry. */
void convgen_registry_clear(void);

#ifdef __cplusplus
}
#endif
#endif
