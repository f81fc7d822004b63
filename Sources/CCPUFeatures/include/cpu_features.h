#ifndef DEEPBAYES_CPU_FEATURES_H
#define DEEPBAYES_CPU_FEATURES_H

/// The highest x86-64 micro-architecture level (psABI: 1 = baseline SSE2, 2 = SSE4.2 and
/// POPCNT, 3 = AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE, 4 = AVX-512 F/BW/CD/DQ/VL) this processor
/// and operating system support, read from CPUID; 0 on other architectures.
int deepbayes_x86_64_level(void);

#endif
