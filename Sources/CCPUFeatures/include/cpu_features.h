#ifndef DEEPBAYES_CPU_FEATURES_H
#define DEEPBAYES_CPU_FEATURES_H

/// The highest x86-64 micro-architecture level (psABI: 1 = baseline SSE2, 2 = SSE4.2 and
/// POPCNT, 3 = AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE, 4 = AVX-512 F/BW/CD/DQ/VL) this processor
/// and operating system support, read from CPUID; 0 on other architectures.
int deepbayes_x86_64_level(void);

/// The size in bytes of one instance of CPU 0's level-`level` data or unified cache (1 = L1d,
/// 2 = L2, 3 = L3), 0 when it is not reported. Linux sysfs
/// (`/sys/devices/system/cpu/cpu0/cache/index*/{level,type,size}`) comes first: it gives the
/// instance CPU 0 shares with its neighbours, where glibc's `sysconf(_SC_LEVEL3_CACHE_SIZE)`
/// may count the L3 of every core complex of the package; `sysconf` is the fallback.
long deepbayes_data_cache_bytes(int level);

#endif
