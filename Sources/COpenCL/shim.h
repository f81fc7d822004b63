// DeepBayes talks to OpenCL 1.2 entry points only, so any ICD (PoCL, NVIDIA, ROCm) works.
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
