#pragma once
// What a study writes while its fits run, not after them: theta.csv of the first fit (LiveThetaCsv) and
// each Adam fit's checkpoint file (fit_options_for). Everything else is written from the results
// (infer_outputs.hpp).
#include "plast/infer/fit.hpp"
#include "plast/io/csv.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace plast {
namespace io {
class RunDir;
}
namespace rules {
class DifferentiableRule;
}
} // namespace plast

namespace plast::infer {

struct InferStudy;

// Names of the logged (effective) parameters: Taylor column names (A_xywr), else the family's names.
std::vector<std::string> theta_names(const rules::DifferentiableRule& rule);

// Fit i's options: its own checkpoint file (Adam) in the run directory at run_path when the run keeps
// checkpoints.
FitOptions fit_options_for(const InferStudy& study, const std::string& run_path, const FitOptions& base, std::size_t i);

// theta.csv, written while the first fit runs (one row per logged epoch, flushed at once, so a
// caller can follow it: plast.infer(..., on_epoch=f) in Python): epoch, loss, effective parameters.
class LiveThetaCsv {
  public:
    LiveThetaCsv(const io::RunDir& dir, const rules::DifferentiableRule& rule);
    LogCallback callback();

  private:
    io::CsvWriter csv_;
};

} // namespace plast::infer
