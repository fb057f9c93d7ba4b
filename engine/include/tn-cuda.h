/* tn-cuda.h — libtn's CUDA backend, the engine's second public header.
 *
 * The backend is a module (libtn-cuda.so, built with nvcc when the CUDA toolkit is found) that the
 * engine loads at run time with dlopen: libtn itself never links CUDA, and on a machine without the
 * module, a driver or a device, everything runs on the CPU and tn_cuda_is_available() is false.
 *
 * Device tensors have PyTorch's API (device= on creation, .to("cuda"), .cuda(), .cpu(), printing
 * with device='cuda:0', the mixed-device error). Their memory is CUDA managed memory, prefetched to
 * the device: kernels run at device speed, and an operation without a CUDA kernel runs its CPU
 * kernel on the same memory after a synchronisation instead of failing. Random numbers for CUDA
 * tensors come from the CPU generator (PyTorch's CPU stream), not from PyTorch's CUDA generator:
 * the same seed gives the same numbers on both devices here, unlike PyTorch.
 *
 * The module is searched at: $TN_CUDA_MODULE, the build folder, then the install folder.
 */
#ifndef TN_CUDA_H
#define TN_CUDA_H

#include <stdbool.h>
#include <stddef.h>

#include "tn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* torch.cuda.is_available(), device_count(), get_device_name(i), synchronize(). */
bool tn_cuda_is_available(void);
int tn_cuda_device_count(void);
/* Writes the device's name; -1 with PyTorch's error for an invalid index or no CUDA. */
int tn_cuda_get_device_name(int device, char *buf, size_t n);
int tn_cuda_synchronize(void);
/* Why CUDA is or is not available, in words ("module not built", "no CUDA driver", the device
 * names...), for `optbench bench --device cuda`, the tests' skip messages and the set-up lesson. */
const char *tn_cuda_status(void);

/* torch.backends.cuda.matmul.allow_tf32 (default false, as in PyTorch 1.12+). */
void tn_cuda_set_allow_tf32(bool allow);
bool tn_cuda_get_allow_tf32(void);

/* t.to(device): t itself (retained) when already there, else a copy on that device (CPU <-> CUDA).
 * "cuda" without an index means the current device (0). */
tn_tensor *tn_to_device(const tn_tensor *t, tn_device device);

/* Parses "cpu", "cuda", "cuda:1" (torch.device); -1 with PyTorch's error otherwise. */
int tn_device_parse(const char *text, tn_device *out);
/* "cpu", "cuda:0": what printouts and .device show (buf of at least 16 bytes). */
const char *tn_device_format(tn_device device, char *buf, size_t n);

#ifdef __cplusplus
}
#endif

#endif
