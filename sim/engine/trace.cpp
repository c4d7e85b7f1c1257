// Chrome trace-event JSON of one simulation, streamed to a file (see trace.hpp). Times are written in
// microseconds with nanosecond resolution; a slice's end is rounded like its start, so nesting holds.

#include "sim/engine/trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>

#include "sim/engine/simulation.hpp"
#include "sim/launch_geometry.hpp"

namespace gpusim {
namespace {

std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  return out;
}

long long nanoseconds(double t) { return std::llround(t * 1e9); }
std::string micros(long long ns) { return fmt::format("{}.{:03}", ns / 1000, ns % 1000); }

}  // namespace

TraceRecorder::TraceRecorder(const Simulation& sim, const TraceOptions& opt) : sim_(sim), opt_(opt) {
  file_ = std::fopen(opt_.path.c_str(), "w");
  if (!file_) {
    error_ = errno;
    return;
  }
  buffer_.resize(1 << 20);
  std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
  std::fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n", file_);
  // Names: a process per unit, a thread per context.
  for (std::size_t u = 0; u < sim_.units_.size(); ++u) {
    const auto& unit = sim_.units_[u];
    const int pid = static_cast<int>(u) + 1;
    write(fmt::format(R"j({{"ph":"M","name":"process_name","pid":{},"tid":0,"args":{{"name":"{} ({})"}}}})j", pid,
                      escaped(unit.unit->name), escaped(unit.spec->spec.name)));
    write(fmt::format(R"({{"ph":"M","name":"process_sort_index","pid":{},"tid":0,"args":{{"sort_index":{}}}}})",
                      pid, pid));
  }
  std::vector<std::string> names(sim_.contexts_.size());
  std::vector<int> users(sim_.contexts_.size(), 0);
  for (const auto& st : sim_.streams_) ++users[st.context];
  for (std::size_t s = 0; s < sim_.streams_.size(); ++s) {
    const auto& st = sim_.streams_[s];
    const auto& ctx = sim_.contexts_[st.context];
    const auto& p = sim_.plan_.placements()[s];
    if (ctx.workload >= 0) {
      names[st.context] = st.spec->name + " (batching server)";
    } else if (users[st.context] > 1) {
      names[st.context] = "dispatcher";
    } else {
      names[st.context] = fmt::format("{}#{}", st.spec->name, p.stream.instance);
    }
  }
  for (std::size_t c = 0; c < sim_.contexts_.size(); ++c) {
    const int pid = sim_.contexts_[c].unit + 1;
    write(fmt::format(R"({{"ph":"M","name":"thread_name","pid":{},"tid":{},"args":{{"name":"{}"}}}})", pid, c + 1,
                      escaped(names[c])));
  }
}

TraceRecorder::~TraceRecorder() {
  if (file_) std::fclose(file_);
}

bool TraceRecorder::admit(double from, double to) {
  if (to < opt_.begin || from > opt_.end) return false;
  if (opt_.max_events > 0 && summary_.events >= opt_.max_events) {
    ++summary_.dropped;
    return false;
  }
  ++summary_.events;
  return true;
}

void TraceRecorder::write(const std::string& event) {
  if (!file_ || error_) return;
  if (!first_) std::fputs(",\n", file_);
  first_ = false;
  if (std::fwrite(event.data(), 1, event.size(), file_) != event.size()) error_ = errno ? errno : EIO;
}

void TraceRecorder::slice(int pid, int tid, const std::string& name, const char* cat, double from, double to,
                          const std::string& args) {
  if (!admit(from, to)) return;
  const long long b = nanoseconds(from);
  const long long e = std::max(b, nanoseconds(to));
  write(fmt::format(R"({{"ph":"X","name":"{}","cat":"{}","pid":{},"tid":{},"ts":{},"dur":{},"args":{{{}}}}})",
                    escaped(name), cat, pid, tid, micros(b), micros(e - b), args));
}

void TraceRecorder::counter(int pid, const char* name, const char* key, double t, double value) {
  if (!admit(t, t)) return;
  write(fmt::format(R"({{"ph":"C","name":"{}","pid":{},"ts":{},"args":{{"{}":{:.6g}}}}})", name, pid,
                    micros(nanoseconds(t)), key, value));
}

std::string TraceRecorder::workload_stage(int id) const {
  const auto& job = sim_.jobs_[id];
  const auto& spec = *sim_.streams_[job.stream].spec;
  if (spec.stages.size() <= 1) return spec.name;
  return spec.name + "/" + spec.stages[job.stage].name;
}

void TraceRecorder::kernel_started(int id) {
  JobTrace& t = jobs_[id];
  t.kernel_start = now();
  t.kernel = sim_.jobs_[id].kernel;
}

void TraceRecorder::copy_started(int id, double bytes, bool to_device) {
  const auto& job = sim_.jobs_[id];
  const auto& unit = sim_.units_[sim_.contexts_[job.context].unit];
  if (to_device) queue_changed(sim_.contexts_[job.context].unit);
  if (bytes <= 0 || !sim_.devices_[unit.unit->device].host_link()) return;
  JobTrace& t = jobs_[id];
  t.copy_start = now();
  t.copy_bytes = bytes;
}

void TraceRecorder::activity_done(int id) {
  const auto& job = sim_.jobs_[id];
  const int pid = sim_.contexts_[job.context].unit + 1;
  const int tid = job.context + 1;
  const double t_now = now();
  auto it = jobs_.find(id);
  if (job.phase == Simulation::Phase::H2D || job.phase == Simulation::Phase::D2H) {
    if (it == jobs_.end() || it->second.copy_start < 0) return;
    const bool in = job.phase == Simulation::Phase::H2D;
    const double dur = t_now - it->second.copy_start;
    slice(pid, tid, in ? "copy host to device" : "copy device to host", "copy", it->second.copy_start, t_now,
          fmt::format(R"("bytes":{:.0f},"GBps":{:.3f})", it->second.copy_bytes,
                      dur > 0 ? it->second.copy_bytes / dur / 1e9 : 0.0));
    it->second.copy_start = -1;
    return;
  }
  if (it == jobs_.end()) return;
  JobTrace& t = it->second;
  const auto& st = sim_.streams_[job.stream];
  const auto& stage = st.spec->stages[job.stage];
  if (t.kernel_start >= 0 && t.kernel == job.kernel) {
    const double b = stage.per_item ? job.items : job.batch;
    const KernelCost& k = (*st.stage_kernels)[job.stage][job.kernel];
    const double bytes = k.bytes_fixed + k.bytes_per_sample * b;
    const double flops = job.kernel < stage.kernels.size() ? stage.kernels[job.kernel].flops.v * b : 0.0;
    const double dur = t_now - t.kernel_start;
    // Launch geometry (sim/launch_geometry.hpp): blocks and waves; a kernel without geometry fills the
    // unit (blocks 0). Under an MPS active-thread share s < 1 the kernel's waves run on the round(s x SMs)
    // the context may hold (as sim/work_units.cpp charges them). `occupied`: the share of the unit's SMs
    // its first wave holds (KernelFit::occupancy); `sm_wait_us`: MPS, how long it waited for SMs that
    // earlier kernels held.
    const auto& unit = sim_.units_[sim_.contexts_[job.context].unit];
    const int unit_n = unit_sms(unit.spec->spec, unit.unit->sm_fraction);
    const double share = sim_.context_share(job.context);
    const int held =
        share >= 1.0 ? unit_n : std::min(unit_n, unit_sms(unit.spec->spec, unit.unit->sm_fraction * share));
    LaunchGeometry g;
    if (job.kernel < stage.kernels.size() && stage.kernels[job.kernel].shape.kind != KernelClass::FILL) {
      g = launch_geometry(stage.kernels[job.kernel].shape, b, st.spec->precision, unit.spec->spec, held);
    }
    slice(pid, tid, fmt::format("{} #{}", workload_stage(id), job.kernel), "kernel", t.kernel_start, t_now,
          fmt::format(R"("flops":{:.6g},"bytes":{:.6g},"l2_hit_bytes":{:.6g},"batch":{},"blocks":{:.6g},)"
                      R"("waves":{:.6g},"occupied":{:.6g},"achieved_TFLOPs":{:.6g},"achieved_GBps":{:.6g},)"
                      R"("sm_wait_us":{:.3f})",
                      flops, bytes, job.kernel_hits, static_cast<int>(b), g.blocks, g.waves,
                      job.kernel_fit.occupancy, dur > 0 ? flops / dur / 1e12 : 0.0,
                      dur > 0 ? bytes / dur / 1e9 : 0.0, (t.kernel_start - job.launched) * 1e6));
  }
  t.kernel_start = -1;
  if (st.record_stages && job.kernel + 1 == (*st.stage_kernels)[job.stage].size()) {
    const double begin = sim_.result_.stages[job.stage_record].start;
    t.stage_starts.push_back(begin);
    slice(pid, tid, workload_stage(id), "stage", begin, t_now,
          fmt::format(R"("batch":{},"request":{})", stage.per_item ? job.items : job.batch, job.requests.front()));
  }
}

void TraceRecorder::switched(int unit, int ctx, double cost) {
  if (cost <= 0) return;
  const double t = now();
  slice(unit + 1, ctx + 1, "context switch", "switch", t, t + cost, fmt::format(R"("cost_us":{:.3f})", cost * 1e6));
}

void TraceRecorder::job_finished(int id) {
  const auto& job = sim_.jobs_[id];
  const int pid = sim_.contexts_[job.context].unit + 1;
  const int tid = job.context + 1;
  const double t_now = now();
  const auto& spec = *sim_.streams_[job.stream].spec;
  std::string ids;
  double first_arrival = t_now;
  for (auto r : job.requests) {
    ids += fmt::format("{}{}", ids.empty() ? "" : ",", r);
    first_arrival = std::min(first_arrival, sim_.result_.requests[r].arrival);
  }
  const std::string name = job.requests.size() > 1
                               ? fmt::format("{} requests {} (+{})", spec.name, job.requests.front(),
                                             job.requests.size() - 1)
                               : fmt::format("{} request {}", spec.name, job.requests.front());
  slice(pid, tid, name, "request", job.start, t_now,
        fmt::format(R"("requests":[{}],"batch":{},"items":{})", ids, job.batch, job.items));
  // Batching: how long the batch's oldest request waited for the batch to form (async: waits overlap).
  if (sim_.contexts_[job.context].workload >= 0 && admit(first_arrival, job.start)) {
    const std::string common =
        fmt::format(R"("cat":"batching","name":"batching wait","id":{},"pid":{},"tid":{})", id, pid, tid);
    write(fmt::format(R"({{"ph":"b",{},"ts":{},"args":{{"requests":{}}}}})", common,
                      micros(nanoseconds(first_arrival)), job.requests.size()));
    write(fmt::format(R"({{"ph":"e",{},"ts":{}}})", common, micros(nanoseconds(job.start))));
  }
  // A flow arrow through the request's stages.
  auto it = jobs_.find(id);
  if (it != jobs_.end() && it->second.stage_starts.size() >= 2) {
    const auto& starts = it->second.stage_starts;
    for (std::size_t k = 0; k < starts.size(); ++k) {
      if (!admit(starts[k], starts[k])) continue;
      const char* ph = k == 0 ? "s" : k + 1 == starts.size() ? "f" : "t";
      write(fmt::format(R"({{"ph":"{}","cat":"request","name":"{}","id":{},"pid":{},"tid":{},"ts":{}{}}})", ph,
                        escaped(name), id, pid, tid, micros(nanoseconds(starts[k])), k == 0 ? "" : R"(,"bp":"e")"));
    }
  }
  if (it != jobs_.end()) jobs_.erase(it);
}

void TraceRecorder::queue_changed(int unit) {
  counter(unit + 1, "queue", "requests", now(), static_cast<double>(sim_.units_[unit].waiting));
}

TraceSummary TraceRecorder::close(const std::vector<Sample>& samples) {
  for (const Sample& s : samples) {
    const int pid = sim_.devices_[s.device].units.front() + 1;
    counter(pid, "power", "W", s.time, s.power_w);
    counter(pid, "clock", "MHz", s.time, s.clock_hz / 1e6);
    counter(pid, "temperature", "C", s.time, s.temperature_c);
    counter(pid, "utilization", "%", s.time, s.utilization * 100.0);
    counter(pid, "bandwidth", "%", s.time, s.bandwidth_utilization * 100.0);
  }
  if (file_) {
    std::fputs("\n]}\n", file_);
    if (std::fflush(file_) != 0 && !error_) error_ = errno;
    if (std::ferror(file_) && !error_) error_ = EIO;
    if (std::fclose(file_) != 0 && !error_) error_ = errno;
    file_ = nullptr;
  }
  summary_.error = error_;
  return summary_;
}

}  // namespace gpusim
