#pragma once
// PLAST_SIMD_CLONES: compile a hot loop function twice (AVX2 and baseline x86-64) and pick the
// version at run time (GCC function multi-versioning), so portable builds still use 256-bit
// vectors where the CPU has them. Only "avx2" is requested, not "fma": without FMA contraction the
// two versions perform the same IEEE operations and give bit-identical results.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(PLAST_SANITIZE_BUILD)
#define PLAST_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PLAST_SIMD_CLONES
#endif
