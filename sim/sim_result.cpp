#include "sim/sim_result.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <type_traits>

namespace gpusim {
namespace {

class Writer {
 public:
  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <class T>
  void put_vector(const std::vector<T>& v) {
    put<std::uint64_t>(v.size());
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  template <class T>
  T get() {
    T v;
    need(sizeof v);
    std::memcpy(&v, in_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  template <class T>
  std::vector<T> get_vector() {
    const auto n = get<std::uint64_t>();
    if (n > (in_.size() - pos_) / sizeof(T)) throw std::runtime_error("truncated simulation result");
    std::vector<T> v(n);
    if (n > 0) std::memcpy(v.data(), in_.data() + pos_, n * sizeof(T));  // an empty vector's data() may be null
    pos_ += n * sizeof(T);
    return v;
  }

 private:
  void need(std::size_t n) const {
    if (n > in_.size() - pos_) throw std::runtime_error("truncated simulation result");
  }
  const std::string& in_;
  std::size_t pos_ = 0;
};

}  // namespace

void canonical_order(SimResult& r) {
  auto request_before = [&r](std::uint32_t a, std::uint32_t b) {
    const RequestRecord& x = r.requests[a];
    const RequestRecord& y = r.requests[b];
    return x.arrival < y.arrival || (x.arrival == y.arrival && x.stream < y.stream);
  };
  std::vector<std::uint32_t> order(r.requests.size());
  std::iota(order.begin(), order.end(), 0U);
  if (!std::is_sorted(order.begin(), order.end(), request_before)) {
    std::stable_sort(order.begin(), order.end(), request_before);
    std::vector<std::uint32_t> index_of(order.size());
    std::vector<RequestRecord> sorted(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      index_of[order[i]] = static_cast<std::uint32_t>(i);
      sorted[i] = r.requests[order[i]];
    }
    r.requests = std::move(sorted);
    for (auto& st : r.stages) st.request = index_of[st.request];
  }
  auto stage_before = [](const StageRecord& x, const StageRecord& y) {
    if (x.request != y.request) return x.request < y.request;
    if (x.stage != y.stage) return x.stage < y.stage;
    return x.start < y.start;
  };
  if (!std::is_sorted(r.stages.begin(), r.stages.end(), stage_before)) {
    std::stable_sort(r.stages.begin(), r.stages.end(), stage_before);
  }
  auto sample_before = [](const Sample& x, const Sample& y) {
    return x.time < y.time || (x.time == y.time && x.device < y.device);
  };
  if (!std::is_sorted(r.samples.begin(), r.samples.end(), sample_before)) {
    std::stable_sort(r.samples.begin(), r.samples.end(), sample_before);
  }
}

SimResult merge_partitions(std::vector<SimResult> parts, const std::vector<std::vector<int>>& units_of,
                           const std::vector<std::vector<int>>& devices_of) {
  SimResult out;
  std::size_t units = 0, devices = 0;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    if (parts[p].devices.size() != units_of.at(p).size() || parts[p].power.size() != devices_of.at(p).size()) {
      throw std::runtime_error("a partition's result does not match its devices");
    }
    units += units_of[p].size();
    devices += devices_of[p].size();
  }
  out.devices.resize(units);
  out.power.resize(devices);
  for (std::size_t p = 0; p < parts.size(); ++p) {
    for (std::size_t i = 0; i < units_of[p].size(); ++i) out.devices.at(units_of[p][i]) = parts[p].devices[i];
    for (std::size_t i = 0; i < devices_of[p].size(); ++i) out.power.at(devices_of[p][i]) = parts[p].power[i];
  }
  std::size_t requests = 0, stages = 0, samples = 0;
  for (const auto& p : parts) {
    requests += p.requests.size();
    stages += p.stages.size();
    samples += p.samples.size();
  }
  out.requests.reserve(requests);
  out.stages.reserve(stages);
  out.samples.reserve(samples);
  for (auto& p : parts) {
    const auto offset = static_cast<std::uint32_t>(out.requests.size());
    out.requests.insert(out.requests.end(), p.requests.begin(), p.requests.end());
    for (StageRecord st : p.stages) {
      st.request += offset;
      out.stages.push_back(st);
    }
    out.samples.insert(out.samples.end(), p.samples.begin(), p.samples.end());
    out.end_time = std::max(out.end_time, p.end_time);
    out.kernels += p.kernels;
    out.wall_seconds += p.wall_seconds;
    out.peak_rss_kib = std::max(out.peak_rss_kib, p.peak_rss_kib);
    p = SimResult{};  // free as we go
  }
  canonical_order(out);
  return out;
}

std::string serialize(const SimResult& r) {
  Writer w;
  w.put_vector(r.requests);
  w.put_vector(r.stages);
  w.put_vector(r.devices);
  w.put_vector(r.power);
  w.put_vector(r.samples);
  w.put(r.end_time);
  w.put(r.kernels);
  w.put(r.wall_seconds);
  w.put(r.peak_rss_kib);
  w.put(r.trace);
  return w.take();
}

SimResult deserialize(const std::string& bytes) {
  Reader rd(bytes);
  SimResult r;
  r.requests = rd.get_vector<RequestRecord>();
  r.stages = rd.get_vector<StageRecord>();
  r.devices = rd.get_vector<DeviceRecord>();
  r.power = rd.get_vector<PowerRecord>();
  r.samples = rd.get_vector<Sample>();
  r.end_time = rd.get<double>();
  r.kernels = rd.get<std::uint64_t>();
  r.wall_seconds = rd.get<double>();
  r.peak_rss_kib = rd.get<long>();
  r.trace = rd.get<TraceSummary>();
  return r;
}

}  // namespace gpusim
