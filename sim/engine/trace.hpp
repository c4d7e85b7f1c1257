#pragma once
// The timeline of one simulation as Chrome trace-event JSON (Perfetto, chrome://tracing), written to a
// file as events happen. Private to sim/engine; created only when a trace was asked for, so the engine's
// hooks cost one test of a null pointer otherwise.
//
// Layout: a process per execution unit (a device, or a MIG slice), a thread per context (a stream, a
// batching server, or a unit's dispatcher). On a context's track: a slice per request (its job, with the
// requests batched into it), inside it the host copies, context switches and pipeline stages, and inside
// a stage its kernels (FLOPs, bytes, achieved rates as arguments). Batching waits are async slices; flow
// arrows join a request's stages; counters per unit (queue length) and per device (power, clock,
// temperature, utilisation, bandwidth; on its first unit's process).

#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/sim_result.hpp"
#include "sim/trace_options.hpp"

namespace gpusim {

class Simulation;

class TraceRecorder {
 public:
  /// Opens `opt.path` and writes the header and the names of processes and threads.
  TraceRecorder(const Simulation& sim, const TraceOptions& opt);
  ~TraceRecorder();
  TraceRecorder(const TraceRecorder&) = delete;
  TraceRecorder& operator=(const TraceRecorder&) = delete;

  /// The job's current kernel starts on the GPU now.
  void kernel_started(int job);
  /// An activity of the job completed now (a copy or a kernel, by the job's phase).
  void activity_done(int job);
  /// The job starts a host copy of `bytes` now (none when bytes <= 0 or the host link is off).
  void copy_started(int job, double bytes, bool to_device);
  /// Context `ctx` gets unit `unit`'s GPU now, paying a switch of `cost` seconds.
  void switched(int unit, int ctx, double cost);
  /// The job finished now.
  void job_finished(int job);
  /// The number of requests waiting on `unit` changed.
  void queue_changed(int unit);
  /// Writes the counters of `samples` and the closing bracket; the summary says what was written.
  TraceSummary close(const std::vector<Sample>& samples);

 private:
  struct JobTrace {
    double kernel_start = -1;
    std::uint32_t kernel = 0;
    double copy_start = -1;
    double copy_bytes = 0;
    double stage_start = -1;
    std::vector<double> stage_starts;
  };
  bool admit(double from, double to);
  void write(const std::string& event);
  void slice(int pid, int tid, const std::string& name, const char* cat, double from, double to,
             const std::string& args);
  void counter(int pid, const char* name, const char* key, double t, double value);
  std::string workload_stage(int job) const;

  const Simulation& sim_;
  TraceOptions opt_;
  std::FILE* file_ = nullptr;
  int error_ = 0;
  bool first_ = true;
  TraceSummary summary_;
  std::unordered_map<int, JobTrace> jobs_;
  std::vector<char> buffer_;
};

}  // namespace gpusim
