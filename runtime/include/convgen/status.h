/* Status codes returned by the convgen runtime and by every generated kernel entry point. */
#ifndef CONVGEN_STATUS_H
#define CONVGEN_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Kept in sync with the copy the generator writes into each generated header
 * (compiler/emit/CHeader.cpp); tests/runtime/status_test.c checks both agree. */
#ifndef CONVGEN_STATUS_CODES
#define CONVGEN_STATUS_CODES
#define CONVGEN_OK 0
#define CONVGEN_ERROR_NULL_POINTER (-1)   /* a required pointer argument is NULL */
#define CONVGEN_ERROR_BAD_SIZE (-2)       /* batch/length inconsistent with the kernel's spec */
#define CONVGEN_ERROR_KERNEL (-3)         /* the Halide pipeline reported an error */
#define CONVGEN_ERROR_UNSUPPORTED (-4)    /* option or dtype not supported by this routine */
#define CONVGEN_ERROR_NOT_FOUND (-5)      /* no such kernel in the registry */
#define CONVGEN_ERROR_OUT_OF_MEMORY (-6)
#endif

/* A static, human-readable message for a status code (never NULL). */
const char *convgen_status_string(int status);

#ifdef __cplusplus
}
#endif
#endif
