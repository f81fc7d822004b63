// zlib: inflate for gzip-compressed IDX files, deflate and crc32 for PNG.
#include <zlib.h>
