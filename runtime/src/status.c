/* Messages for convgen status codes. */
#include "convgen/status.h"

const char *convgen_status_string(int status) {
    switch (status) {
    case CONVGEN_OK: return "success";
    case CONVGEN_ERROR_NULL_POINTER: return "a required pointer argument is NULL";
    case CONVGEN_ERROR_BAD_SIZE: return "batch or length is inconsistent with the kernel's spec";
    case CONVGEN_ERROR_KERNEL: return "the generated kernel reported an error";
    case CONVGEN_ERROR_UNSUPPORTED: return "unsupported option";
    case CONVGEN_ERROR_NOT_FOUND: return "no such kernel";
    case CONVGEN_ERROR_OUT_OF_MEMORY: return "out of memory";
    default: return "unknown status code";
    }
}
