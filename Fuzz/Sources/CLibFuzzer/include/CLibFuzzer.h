// libFuzzer's entry points that the fuzz targets call (libFuzzer's runtime, linked in by
// -sanitize=fuzzer, defines them): its driver, which a target's `main` hands over to, and its
// own mutator, which the structure-aware chunk fuzzer's custom mutator uses on one part of a chunk.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
