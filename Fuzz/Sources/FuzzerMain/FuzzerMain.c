// The `main` of each harness. SwiftPM links every executable target with
// `--defsym main=<module>_main` (so that tests can link executables), which leaves no place
// for libFuzzer's own `main`; these entry points, one per harness, do what it does: run
// libFuzzer's driver on the harness's LLVMFuzzerTestOneInput. Every harness links all four;
// only its own is called.
#include "FuzzerMain.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

int fuzz_idx_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }
int fuzz_safetensors_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }
int fuzz_checkpoint_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }
int fuzz_png_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }
