// OpenBLAS's CBLAS interface: the benchmark's reference for matmul. Never linked into the library.
#include <cblas.h>
