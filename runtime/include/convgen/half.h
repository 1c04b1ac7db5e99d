/* IEEE binary16 and bfloat16 conversions (round to nearest even), for the runtime and tests. */
#ifndef CONVGEN_HALF_H
#define CONVGEN_HALF_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

float convgen_f16_to_f32(uint16_t h);
uint16_t convgen_f32_to_f16(float f);
float convgen_bf16_to_f32(uint16_t h);
uint16_t convgen_f32_to_bf16(float f);

#ifdef __cplusplus
}
#endif
#endif
