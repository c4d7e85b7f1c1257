#include "sim/sim_result.hpp"

#include <cstring>
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
