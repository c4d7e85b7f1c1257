// A plugin whose policy declares its parameter once, with a ParamDecl: the documentation it registers and
// the range check its constructor makes both come from that declaration, across the plugin boundary.
#include "scheduler/plugin.hpp"

namespace {

const gpusim::ParamDecl<double> kShare{"share", 0.5, {0.0, 1.0}, "MPS share of every stream"};

class FixedShare : public gpusim::Scheduler {
 public:
  explicit FixedShare(const gpusim::Params& p)
      : share_(kShare.read(p, gpusim::scheduler_label("fixed-share"))) {}

  std::vector<int> place(const std::vector<gpusim::StreamView>& streams,
                         const std::vector<gpusim::DeviceView>&) override {
    return std::vector<int>(streams.size(), 0);
  }

  std::vector<double> mps_shares(const std::vector<gpusim::StreamView>& streams,
                                 const std::vector<gpusim::DeviceView>&, const std::vector<int>&) override {
    return std::vector<double>(streams.size(), share_);
  }

 private:
  double share_;
};

}  // namespace

GPUSIM_PLUGIN(registrar) {
  registrar->add<FixedShare>("fixed-share", "every stream on unit 0 with one MPS share",
                             gpusim::param_docs(kShare));
}
