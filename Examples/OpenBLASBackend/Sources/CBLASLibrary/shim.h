// OpenBLAS's CBLAS interface (cblas_sgemm) and its thread and build queries.
#include <cblas.h>
