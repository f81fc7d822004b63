#include "cpu_features.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int deepbayes_x86_64_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return 4;
    if (__builtin_cpu_supports("x86-64-v3")) return 3;
    if (__builtin_cpu_supports("x86-64-v2")) return 2;
    return 1;
#else
    return 0;
#endif
}

/// The first line of `/sys/devices/system/cpu/cpu0/cache/index<index>/<name>` into `text`
/// (at most `size - 1` characters, newline dropped); 0 when the file cannot be read.
static int read_cache_attribute(int index, const char *name, char *text, int size) {
    char path[96];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/%s", index, name);
    FILE *file = fopen(path, "r");
    if (!file) return 0;
    int ok = fgets(text, size, file) != NULL;
    fclose(file);
    if (ok) text[strcspn(text, "\n")] = 0;
    return ok;
}

/// The size of CPU 0's level-`level` data or unified cache from sysfs, where sizes read like
/// `48K` or `32768K` (a suffix K, M or G scales by 2^10, 2^20, 2^30); 0 when not listed.
static long sysfs_data_cache_bytes(int level) {
    char text[64];
    for (int index = 0; index < 16; index++) {
        if (!read_cache_attribute(index, "level", text, sizeof text)) continue;
        long found;
        if (sscanf(text, "%ld", &found) != 1 || found != level) continue;
        if (!read_cache_attribute(index, "type", text, sizeof text) || strcmp(text, "Instruction") == 0) continue;
        if (!read_cache_attribute(index, "size", text, sizeof text)) continue;
        long value;
        char unit = 0;
        if (sscanf(text, "%ld%c", &value, &unit) < 1 || value <= 0) continue;
        switch (unit) {
        case 'K': return value << 10;
        case 'M': return value << 20;
        case 'G': return value << 30;
        default: return value;
        }
    }
    return 0;
}

long deepbayes_data_cache_bytes(int level) {
    long bytes = sysfs_data_cache_bytes(level);
    if (bytes > 0) return bytes;
    long name = -1;
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE) && defined(_SC_LEVEL3_CACHE_SIZE)
    if (level == 1) name = _SC_LEVEL1_DCACHE_SIZE;
    if (level == 2) name = _SC_LEVEL2_CACHE_SIZE;
    if (level == 3) name = _SC_LEVEL3_CACHE_SIZE;
#endif
    if (name < 0) return 0;
    bytes = sysconf((int)name);
    return bytes > 0 ? bytes : 0;
}
