// Measurement kernels of the gpusim validation harness: an FP32 FMA loop (compute-bound, CUDA cores), a
// cuBLAS FP16/BF16 GEMM (tensor cores), an HBM streaming triad and an L2 streaming read. Each is a
// KernelJob that owns its buffers and knows the FLOPs and bytes one launch does.
#pragma once

#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#define HARNESS_CHECK(call) harness_check((call), #call, __FILE__, __LINE__)

inline void harness_check(cudaError_t e, const char* what, const char* file, int line) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "%s:%d: %s: %s\n", file, line, what, cudaGetErrorString(e));
    std::exit(1);
  }
}

inline void harness_check(cublasStatus_t s, const char* what, const char* file, int line) {
  if (s != CUBLAS_STATUS_SUCCESS) {
    std::fprintf(stderr, "%s:%d: %s: cuBLAS status %d\n", file, line, what, static_cast<int>(s));
    std::exit(1);
  }
}

// Eight independent FMA chains per thread; the result is stored only if it hits an impossible value, so
// the compiler keeps every FMA and the kernel moves (almost) no bytes.
__global__ void fma_kernel(float* out, int iters, float a, float b) {
  float x[8];
#pragma unroll
  for (int i = 0; i < 8; ++i) x[i] = static_cast<float>(threadIdx.x) * 1e-3f + static_cast<float>(i);
  for (int k = 0; k < iters; ++k) {
#pragma unroll
    for (int i = 0; i < 8; ++i) x[i] = fmaf(x[i], a, b);
  }
  float s = 0.f;
#pragma unroll
  for (int i = 0; i < 8; ++i) s += x[i];
  if (s == 1234567.0f) out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}

// a = b + s * c over n float4 elements: two load streams and one store stream.
__global__ void triad_kernel(float4* a, const float4* __restrict__ b, const float4* __restrict__ c, float s,
                             size_t n) {
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const float4 x = b[i];
    const float4 y = c[i];
    a[i] = make_float4(x.x + s * y.x, x.y + s * y.y, x.z + s * y.z, x.w + s * y.w);
  }
}

// Reads `items` float4 elements cycling over a buffer of n4 elements (several passes), through L2 only
// (__ldcg bypasses L1), so a buffer that fits in L2 is served from it.
__global__ void l2_read_kernel(const float4* __restrict__ buf, size_t n4, size_t items, float* out) {
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  const size_t tid = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  size_t idx = tid % n4;
  const size_t step = stride % n4;
  float acc = 0.f;
  for (size_t j = tid; j < items; j += stride) {
    const float4 v = __ldcg(buf + idx);
    acc += v.x + v.y + v.z + v.w;
    idx += step;
    if (idx >= n4) idx -= n4;
  }
  if (acc == 1234567.0f) out[tid] = acc;
}

// Fills a GEMM operand with values in [-1, 1) from a hash of the index: tensor-core power (and so the clock
// under a power cap) depends on the data, and zeros would understate it.
template <class T>
__global__ void fill_kernel(T* p, size_t n) {
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    unsigned h = static_cast<unsigned>(i) * 2654435761u;
    h ^= h >> 16;
    p[i] = static_cast<T>(static_cast<float>(h & 0xffff) / 32768.0f - 1.0f);
  }
}

struct DeviceFacts {
  int device = 0;
  int sm_count = 0;
  size_t l2_bytes = 0;
  size_t memory_bytes = 0;
};

inline DeviceFacts device_facts() {
  DeviceFacts f;
  HARNESS_CHECK(cudaGetDevice(&f.device));
  int l2 = 0;
  HARNESS_CHECK(cudaDeviceGetAttribute(&f.sm_count, cudaDevAttrMultiProcessorCount, f.device));
  HARNESS_CHECK(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, f.device));
  f.l2_bytes = static_cast<size_t>(l2);
  size_t free_bytes = 0;
  HARNESS_CHECK(cudaMemGetInfo(&free_bytes, &f.memory_bytes));
  return f;
}

// One kernel configuration: "fma_fp32", "gemm_fp16", "gemm_bf16", "stream_hbm", or "stream_l2:F" (a buffer
// of F x the L2 size) / "stream_l2@BYTES" (a buffer of BYTES).
class KernelJob {
 public:
  KernelJob(const std::string& spec, const DeviceFacts& dev) {
    const int threads = 256;
    blocks_ = dev.sm_count * 8;  // 2048 threads per SM: full occupancy on Ampere and Hopper
    threads_ = threads;
    if (spec == "fma_fp32") {
      kind_ = "fma_fp32";
      precision_ = "fp32";
      iters_ = 1 << 16;
      HARNESS_CHECK(cudaMalloc(&out_, sizeof(float) * blocks_ * threads_));
      flops_ = 16.0 * iters_ * static_cast<double>(blocks_) * threads_;
      bytes_ = 0;
      working_set_ = sizeof(float) * static_cast<double>(blocks_) * threads_;
    } else if (spec == "gemm_fp16" || spec == "gemm_bf16") {
      kind_ = spec;
      precision_ = spec == "gemm_fp16" ? "fp16" : "bf16";
      n_ = 8192;
      const size_t elems = static_cast<size_t>(n_) * n_;
      for (void** p : {&a_, &b_, &c_}) HARNESS_CHECK(cudaMalloc(p, elems * 2));
      if (spec == "gemm_fp16") {
        fill_kernel<<<1024, 256>>>(static_cast<__half*>(a_), elems);
        fill_kernel<<<1024, 256>>>(static_cast<__half*>(b_), elems);
      } else {
        fill_kernel<<<1024, 256>>>(static_cast<__nv_bfloat16*>(a_), elems);
        fill_kernel<<<1024, 256>>>(static_cast<__nv_bfloat16*>(b_), elems);
      }
      HARNESS_CHECK(cudaGetLastError());
      HARNESS_CHECK(cudaDeviceSynchronize());
      HARNESS_CHECK(cublasCreate(&handle_));
      flops_ = 2.0 * n_ * n_ * static_cast<double>(n_);
      bytes_ = 3.0 * elems * 2;  // compulsory traffic: A and B read once, C written once
      working_set_ = bytes_;
    } else if (spec == "stream_hbm") {
      kind_ = "stream_hbm";
      precision_ = "fp32";
      n4_ = (static_cast<size_t>(1) << 27) / 4;  // 512 MiB per array
      for (void** p : {&a_, &b_, &c_}) HARNESS_CHECK(cudaMalloc(p, n4_ * sizeof(float4)));
      HARNESS_CHECK(cudaMemset(b_, 0, n4_ * sizeof(float4)));
      HARNESS_CHECK(cudaMemset(c_, 0, n4_ * sizeof(float4)));
      flops_ = 2.0 * 4 * n4_;
      bytes_ = 3.0 * sizeof(float4) * n4_;
      working_set_ = bytes_;
    } else if (spec.rfind("stream_l2", 0) == 0) {
      kind_ = "stream_l2";
      precision_ = "fp32";
      double ws = 0;
      if (spec.size() > 10 && spec[9] == ':')
        ws = std::atof(spec.c_str() + 10) * static_cast<double>(dev.l2_bytes);
      if (spec.size() > 10 && spec[9] == '@') ws = std::atof(spec.c_str() + 10);
      if (ws < 4096) {
        std::fprintf(stderr, "bad stream_l2 spec '%s' (want stream_l2:FRACTION or stream_l2@BYTES)\n",
                     spec.c_str());
        std::exit(2);
      }
      n4_ = static_cast<size_t>(ws) / sizeof(float4);
      HARNESS_CHECK(cudaMalloc(&a_, n4_ * sizeof(float4)));
      HARNESS_CHECK(cudaMemset(a_, 0, n4_ * sizeof(float4)));
      HARNESS_CHECK(cudaMalloc(&out_, sizeof(float) * blocks_ * threads_));
      // About 1 GiB read per launch, whole passes over the buffer.
      const size_t passes = std::max<size_t>(1, (static_cast<size_t>(1) << 30) / (n4_ * sizeof(float4)));
      items_ = passes * n4_;
      flops_ = 4.0 * items_;
      bytes_ = static_cast<double>(items_) * sizeof(float4);
      working_set_ = static_cast<double>(n4_) * sizeof(float4);
    } else {
      std::fprintf(stderr, "unknown kernel '%s' (fma_fp32, gemm_fp16, gemm_bf16, stream_hbm, stream_l2:F)\n",
                   spec.c_str());
      std::exit(2);
    }
  }

  KernelJob(const KernelJob&) = delete;
  KernelJob& operator=(const KernelJob&) = delete;

  ~KernelJob() {
    if (handle_) cublasDestroy(handle_);
    for (void* p : {a_, b_, c_}) {
      if (p) cudaFree(p);
    }
    if (out_) cudaFree(out_);
  }

  void launch(cudaStream_t s) {
    if (kind_ == "fma_fp32") {
      fma_kernel<<<blocks_, threads_, 0, s>>>(out_, iters_, 0.999f, 1e-4f);
    } else if (kind_ == "stream_hbm") {
      triad_kernel<<<blocks_, threads_, 0, s>>>(static_cast<float4*>(a_), static_cast<const float4*>(b_),
                                                static_cast<const float4*>(c_), 1.5f, n4_);
    } else if (kind_ == "stream_l2") {
      l2_read_kernel<<<blocks_, threads_, 0, s>>>(static_cast<const float4*>(a_), n4_, items_, out_);
    } else {
      const float alpha = 1.f;
      const float beta = 0.f;
      const cudaDataType_t t = kind_ == "gemm_fp16" ? CUDA_R_16F : CUDA_R_16BF;
      HARNESS_CHECK(cublasSetStream(handle_, s));
      HARNESS_CHECK(cublasGemmEx(handle_, CUBLAS_OP_N, CUBLAS_OP_N, n_, n_, n_, &alpha, a_, t, n_, b_, t, n_,
                                 &beta, c_, t, n_, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    }
    HARNESS_CHECK(cudaGetLastError());
  }

  const std::string& kind() const { return kind_; }
  const std::string& precision() const { return precision_; }
  double flops() const { return flops_; }
  double bytes() const { return bytes_; }
  double working_set() const { return working_set_; }

 private:
  std::string kind_, precision_;
  int blocks_ = 0, threads_ = 0, iters_ = 0, n_ = 0;
  size_t n4_ = 0, items_ = 0;
  void* a_ = nullptr;
  void* b_ = nullptr;
  void* c_ = nullptr;
  float* out_ = nullptr;
  cublasHandle_t handle_ = nullptr;
  double flops_ = 0, bytes_ = 0, working_set_ = 0;
};

// Median seconds per launch of `launches` back-to-back launches, over `reps` repetitions (events on `s`).
inline double time_per_launch(KernelJob& job, cudaStream_t s, int launches, int reps) {
  cudaEvent_t e0, e1;
  HARNESS_CHECK(cudaEventCreate(&e0));
  HARNESS_CHECK(cudaEventCreate(&e1));
  double times[16];
  reps = reps > 16 ? 16 : reps;
  for (int r = 0; r < reps; ++r) {
    HARNESS_CHECK(cudaEventRecord(e0, s));
    for (int i = 0; i < launches; ++i) job.launch(s);
    HARNESS_CHECK(cudaEventRecord(e1, s));
    HARNESS_CHECK(cudaEventSynchronize(e1));
    float ms = 0;
    HARNESS_CHECK(cudaEventElapsedTime(&ms, e0, e1));
    times[r] = ms * 1e-3 / launches;
  }
  HARNESS_CHECK(cudaEventDestroy(e0));
  HARNESS_CHECK(cudaEventDestroy(e1));
  for (int i = 1; i < reps; ++i) {
    for (int j = i; j > 0 && times[j] < times[j - 1]; --j) {
      const double t = times[j];
      times[j] = times[j - 1];
      times[j - 1] = t;
    }
  }
  return times[reps / 2];
}
