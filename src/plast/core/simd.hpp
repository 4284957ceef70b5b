#pragma once
// Function multiversioning for hot loops: an AVX2 clone chosen when the program loads, plus the
// baseline x86-64 clone. Only for loops whose results cannot depend on the clone: no FMA (AVX2 alone
// does not enable it, and files using this are compiled with -ffp-contract=off) and no
// reassociation (summation orders are written out), so both clones are bit-identical.
// Sanitizer builds use the baseline only.
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && !defined(__clang__)
#define PLAST_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PLAST_SIMD_CLONES
#endif
