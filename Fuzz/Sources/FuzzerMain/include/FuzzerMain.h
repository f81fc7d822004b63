// Nothing to import: this target only supplies each harness's entry point (FuzzerMain.c).
