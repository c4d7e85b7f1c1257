// gpusim validation harness: isolated roofline points, an L2 working-set sweep and co-located kernel pairs
// on one GPU, written as CSV to stdout (columns: validation/harness/README.md). Observes only: it never
// changes clocks, power limits, MIG mode, persistence or compute mode.
//
//   gpusim_harness info                      machine facts as JSON
//   gpusim_harness kernels [--header]        fma_fp32, gemm_fp16, gemm_bf16, stream_hbm
//   gpusim_harness l2-sweep [--header]       stream_l2 from 1 MiB to 4x the L2 size
//   gpusim_harness steady KERNEL [--header] [--seconds S]   one kernel back to back for S seconds (4): run
//        under the nvidia-smi sampling, its steady board power and clock (power.csv phase steady:KIND)
//   gpusim_harness pair KIND MODE [--header] [--seconds S]
//        KIND: compute+compute | compute+memory | tensor+memory | memory+memory | l2fit | l2overflow
//        MODE: streams (two CUDA streams of one process) | processes (two processes: time-slicing)

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kernels.cuh"

namespace {

const char* const kKernelHeader =
    "kernel,precision,working_set_bytes,flops_per_launch,bytes_per_launch,launches,"
    "time_s,tflops,gbps";

void print_kernel_row(const KernelJob& j, int launches, double t) {
  std::printf("%s,%s,%.0f,%.6g,%.6g,%d,%.6e,%.4f,%.2f\n", j.kind().c_str(), j.precision().c_str(),
              j.working_set(), j.flops(), j.bytes(), launches, t, j.flops() / t / 1e12, j.bytes() / t / 1e9);
  std::fflush(stdout);
}

// Creates `s`, launches the job three times to warm up and returns the median time of one launch alone.
double warm_up(KernelJob& job, cudaStream_t& s) {
  HARNESS_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  for (int i = 0; i < 3; ++i) job.launch(s);
  HARNESS_CHECK(cudaStreamSynchronize(s));
  return time_per_launch(job, s, 1, 3);
}

// Warm up, size the launch count to about 0.2 s, then the median of five timed repetitions.
void measure(const std::string& spec, const DeviceFacts& dev) {
  KernelJob job(spec, dev);
  cudaStream_t s;
  const double once = warm_up(job, s);
  const int launches = std::clamp(static_cast<int>(0.2 / once), 1, 10000);
  const double t = time_per_launch(job, s, launches, 5);
  print_kernel_row(job, launches, t);
  HARNESS_CHECK(cudaStreamDestroy(s));
}

int cmd_info() {
  const DeviceFacts f = device_facts();
  cudaDeviceProp p;
  HARNESS_CHECK(cudaGetDeviceProperties(&p, f.device));
  int runtime = 0, driver = 0, clock_khz = 0, mem_clock_khz = 0;
  HARNESS_CHECK(cudaRuntimeGetVersion(&runtime));
  HARNESS_CHECK(cudaDriverGetVersion(&driver));
  cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, f.device);
  cudaDeviceGetAttribute(&mem_clock_khz, cudaDevAttrMemoryClockRate, f.device);
  std::printf(
      "{\"gpu_name\": \"%s\", \"compute_capability\": \"%d.%d\", \"sm_count\": %d, \"l2_bytes\": %zu, "
      "\"memory_bytes\": %zu, \"memory_bus_width_bits\": %d, \"cuda_runtime\": %d, \"cuda_driver_api\": %d, "
      "\"cuda_max_sm_clock_mhz\": %.0f, \"cuda_max_mem_clock_mhz\": %.0f}\n",
      p.name, p.major, p.minor, f.sm_count, f.l2_bytes, f.memory_bytes, p.memoryBusWidth, runtime, driver,
      clock_khz / 1e3, mem_clock_khz / 1e3);
  return 0;
}

int cmd_kernels(bool header) {
  const DeviceFacts dev = device_facts();
  if (header) std::printf("%s\n", kKernelHeader);
  for (const char* k : {"fma_fp32", "gemm_fp16", "gemm_bf16", "stream_hbm"}) measure(k, dev);
  return 0;
}

int cmd_l2_sweep(bool header) {
  const DeviceFacts dev = device_facts();
  if (header) std::printf("%s\n", kKernelHeader);
  const double l2 = static_cast<double>(dev.l2_bytes);
  std::set<double> sizes;
  for (double s = 1 << 20; s <= 4 * l2; s *= 2) sizes.insert(s);
  for (double f : {0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0, 4.0}) {
    sizes.insert(std::floor(f * l2 / 65536) * 65536);
  }
  for (double s : sizes) measure("stream_l2@" + std::to_string(static_cast<long long>(s)), dev);
  return 0;
}

// One kernel ("gemm_fp16", "stream_l2:0.25"...) launched back to back for about `seconds`, timed as one
// repetition: a kernels.csv row whose time is the mean per launch over the whole run.
int cmd_steady(const std::string& spec, double seconds, bool header) {
  const DeviceFacts dev = device_facts();
  KernelJob job(spec, dev);
  cudaStream_t s;
  const double once = warm_up(job, s);
  const int launches = std::clamp(static_cast<int>(seconds / once), 1, 2000000);
  const double t = time_per_launch(job, s, launches, 1);
  if (header) std::printf("%s\n", kKernelHeader);
  print_kernel_row(job, launches, t);
  HARNESS_CHECK(cudaStreamDestroy(s));
  return 0;
}

std::pair<std::string, std::string> pair_kernels(const std::string& kind) {
  if (kind == "compute+compute") return {"fma_fp32", "fma_fp32"};
  if (kind == "compute+memory") return {"fma_fp32", "stream_hbm"};
  if (kind == "tensor+memory") return {"gemm_fp16", "stream_hbm"};
  if (kind == "memory+memory") return {"stream_hbm", "stream_hbm"};
  if (kind == "l2fit") return {"stream_l2:0.25", "stream_l2:0.25"};
  if (kind == "l2overflow") return {"stream_l2:0.75", "stream_l2:0.75"};
  std::fprintf(stderr, "unknown pair kind '%s'\n", kind.c_str());
  std::exit(2);
}

struct SideResult {
  std::string kernel, precision;
  double flops = 0, bytes = 0, working_set = 0;
  int launches = 0;
  double alone = 0, together = 0;
};

const char* const kPairHeader =
    "pair,mode,a_kernel,a_precision,a_flops,a_bytes,a_working_set_bytes,a_launches,b_kernel,b_precision,b_"
    "flops,"
    "b_bytes,b_working_set_bytes,b_launches,a_alone_s,b_alone_s,a_together_s,b_together_s,makespan_s";

void print_pair_row(const std::string& kind, const std::string& mode, const SideResult& a,
                    const SideResult& b, double makespan) {
  std::printf("%s,%s", kind.c_str(), mode.c_str());
  for (const SideResult* s : {&a, &b}) {
    std::printf(",%s,%s,%.6g,%.6g,%.0f,%d", s->kernel.c_str(), s->precision.c_str(), s->flops, s->bytes,
                s->working_set, s->launches);
  }
  std::printf(",%.6e,%.6e,%.6e,%.6e,%.6e\n", a.alone, b.alone, a.together, b.together, makespan);
  std::fflush(stdout);
}

double median3(double x, double y, double z) { return std::max(std::min(x, y), std::min(std::max(x, y), z)); }

// Two CUDA streams of this process: alone = each loop by itself; together = both loops from one start event.
int pair_streams(const std::string& kind, double seconds) {
  const DeviceFacts dev = device_facts();
  const auto [ka, kb] = pair_kernels(kind);
  KernelJob ja(ka, dev), jb(kb, dev);
  cudaStream_t sa, sb;
  HARNESS_CHECK(cudaStreamCreateWithFlags(&sa, cudaStreamNonBlocking));
  HARNESS_CHECK(cudaStreamCreateWithFlags(&sb, cudaStreamNonBlocking));
  for (int i = 0; i < 3; ++i) {
    ja.launch(sa);
    jb.launch(sb);
  }
  HARNESS_CHECK(cudaDeviceSynchronize());
  const int na = std::max(1, static_cast<int>(seconds / time_per_launch(ja, sa, 1, 3)));
  const int nb = std::max(1, static_cast<int>(seconds / time_per_launch(jb, sb, 1, 3)));
  cudaEvent_t start, ea, eb;
  HARNESS_CHECK(cudaEventCreate(&start));
  HARNESS_CHECK(cudaEventCreate(&ea));
  HARNESS_CHECK(cudaEventCreate(&eb));
  const auto elapsed = [](cudaEvent_t a, cudaEvent_t b) {
    float ms = 0;
    HARNESS_CHECK(cudaEventElapsedTime(&ms, a, b));
    return ms * 1e-3;
  };
  double alone_a[3], alone_b[3], tog_a[3], tog_b[3], span[3];
  for (int r = 0; r < 3; ++r) {
    alone_a[r] = time_per_launch(ja, sa, na, 1) * na;
    alone_b[r] = time_per_launch(jb, sb, nb, 1) * nb;
    HARNESS_CHECK(cudaEventRecord(start, sa));
    HARNESS_CHECK(cudaStreamWaitEvent(sb, start, 0));
    for (int i = 0; i < std::max(na, nb); ++i) {
      if (i < na) ja.launch(sa);
      if (i < nb) jb.launch(sb);
    }
    HARNESS_CHECK(cudaEventRecord(ea, sa));
    HARNESS_CHECK(cudaEventRecord(eb, sb));
    HARNESS_CHECK(cudaDeviceSynchronize());
    tog_a[r] = elapsed(start, ea);
    tog_b[r] = elapsed(start, eb);
    span[r] = std::max(tog_a[r], tog_b[r]);
  }
  SideResult a{ja.kind(),
               ja.precision(),
               ja.flops(),
               ja.bytes(),
               ja.working_set(),
               na,
               median3(alone_a[0], alone_a[1], alone_a[2]),
               median3(tog_a[0], tog_a[1], tog_a[2])};
  SideResult b{jb.kind(),
               jb.precision(),
               jb.flops(),
               jb.bytes(),
               jb.working_set(),
               nb,
               median3(alone_b[0], alone_b[1], alone_b[2]),
               median3(tog_b[0], tog_b[1], tog_b[2])};
  print_pair_row(kind, "streams", a, b, median3(span[0], span[1], span[2]));
  return 0;
}

// ---- Two processes: the parent forks before touching CUDA; each child owns one KernelJob.
// ------------------

struct Child {
  pid_t pid = -1;
  FILE* to = nullptr;    // parent -> child commands
  FILE* from = nullptr;  // child -> parent replies
};

// Child protocol (one line each): it answers "ready KIND PRECISION FLOPS BYTES WS SECONDS_PER_LAUNCH", then
// for "run N" waits for "go", launches N times, synchronises and answers "done SECONDS"; "quit" ends it.
[[noreturn]] void child_main(const std::string& spec, int in_fd, int out_fd) {
  FILE* in = fdopen(in_fd, "r");
  FILE* out = fdopen(out_fd, "w");
  const DeviceFacts dev = device_facts();
  KernelJob job(spec, dev);
  cudaStream_t s;
  const double once = warm_up(job, s);
  std::fprintf(out, "ready %s %s %.9g %.9g %.9g %.9g\n", job.kind().c_str(), job.precision().c_str(),
               job.flops(), job.bytes(), job.working_set(), once);
  std::fflush(out);
  char line[256];
  while (std::fgets(line, sizeof line, in)) {
    int n = 0;
    if (std::sscanf(line, "run %d", &n) == 1) {
      if (!std::fgets(line, sizeof line, in)) break;  // "go"
      const auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < n; ++i) job.launch(s);
      HARNESS_CHECK(cudaStreamSynchronize(s));
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(out, "done %.9g\n", t);
      std::fflush(out);
    } else {
      break;
    }
  }
  std::_Exit(0);
}

Child spawn(const std::string& spec) {
  std::fflush(stdout);  // nothing buffered may be duplicated into the child
  int down[2], up[2];
  if (pipe(down) != 0 || pipe(up) != 0) {
    std::perror("pipe");
    std::exit(1);
  }
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(1);
  }
  if (pid == 0) {
    close(down[1]);
    close(up[0]);
    child_main(spec, down[0], up[1]);
  }
  close(down[0]);
  close(up[1]);
  return Child{pid, fdopen(down[1], "w"), fdopen(up[0], "r")};
}

std::string read_line(Child& c) {
  char line[512];
  if (!std::fgets(line, sizeof line, c.from)) {
    std::fprintf(stderr, "harness child %d ended early\n", static_cast<int>(c.pid));
    std::exit(1);
  }
  return line;
}

void send(Child& c, const std::string& msg) {
  std::fputs(msg.c_str(), c.to);
  std::fflush(c.to);
}

double run_and_time(std::vector<std::pair<Child*, int>> who) {
  for (auto& [c, n] : who) send(*c, "run " + std::to_string(n) + "\n");
  for (auto& [c, n] : who) send(*c, "go\n");
  double last = 0;
  for (auto& [c, n] : who) {
    double t = 0;
    std::sscanf(read_line(*c).c_str(), "done %lf", &t);
    last = t;
  }
  return last;
}

int pair_processes(const std::string& kind, double seconds) {
  const auto [ka, kb] = pair_kernels(kind);
  Child ca = spawn(ka);
  Child cb = spawn(kb);
  SideResult side[2];
  Child* children[2] = {&ca, &cb};
  for (int i = 0; i < 2; ++i) {
    char k[64], p[16];
    double once = 0;
    std::sscanf(read_line(*children[i]).c_str(), "ready %63s %15s %lf %lf %lf %lf", k, p, &side[i].flops,
                &side[i].bytes, &side[i].working_set, &once);
    side[i].kernel = k;
    side[i].precision = p;
    side[i].launches = std::max(1, static_cast<int>(seconds / once));
  }
  double alone_a[3], alone_b[3], tog_a[3], tog_b[3];
  for (int r = 0; r < 3; ++r) {
    alone_a[r] = run_and_time({{&ca, side[0].launches}});
    alone_b[r] = run_and_time({{&cb, side[1].launches}});
    send(ca, "run " + std::to_string(side[0].launches) + "\n");
    send(cb, "run " + std::to_string(side[1].launches) + "\n");
    send(ca, "go\n");
    send(cb, "go\n");
    std::sscanf(read_line(ca).c_str(), "done %lf", &tog_a[r]);
    std::sscanf(read_line(cb).c_str(), "done %lf", &tog_b[r]);
  }
  send(ca, "quit\n");
  send(cb, "quit\n");
  waitpid(ca.pid, nullptr, 0);
  waitpid(cb.pid, nullptr, 0);
  side[0].alone = median3(alone_a[0], alone_a[1], alone_a[2]);
  side[1].alone = median3(alone_b[0], alone_b[1], alone_b[2]);
  side[0].together = median3(tog_a[0], tog_a[1], tog_a[2]);
  side[1].together = median3(tog_b[0], tog_b[1], tog_b[2]);
  print_pair_row(kind, "processes", side[0], side[1], std::max(side[0].together, side[1].together));
  return 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: gpusim_harness info | kernels [--header] | l2-sweep [--header] |\n"
               "       steady KERNEL [--header] [--seconds S] | pair KIND MODE [--header] [--seconds S]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string cmd = argv[1];
  bool header = false;
  double seconds = -1;  // --seconds: pair phases 0.25 s per side, steady runs 4 s
  std::vector<std::string> positional;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--header") == 0) {
      header = true;
    } else if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else {
      positional.emplace_back(argv[i]);
    }
  }
  if (cmd == "info") return cmd_info();
  if (cmd == "kernels") return cmd_kernels(header);
  if (cmd == "l2-sweep") return cmd_l2_sweep(header);
  if (cmd == "steady" && positional.size() == 1)
    return cmd_steady(positional[0], seconds > 0 ? seconds : 4.0, header);
  if (seconds <= 0) seconds = 0.25;
  if (cmd == "pair" && positional.size() == 2) {
    if (header) std::printf("%s\n", kPairHeader);
    if (positional[1] == "streams") return pair_streams(positional[0], seconds);
    if (positional[1] == "processes") return pair_processes(positional[0], seconds);
  }
  return usage();
}
