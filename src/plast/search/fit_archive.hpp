#pragma once
// Gradient fits (`plast infer`) in the search archive (archive.hpp), like every other search method:
// round = fit (in the order of the run's tables: grid.csv, seeds.csv or animals.csv), idx = position in
// the fit's log (one row per logged epoch), source = the optimizer ("adam" | "lbfgs"), p_<name> = the
// effective parameters at the end of that epoch (the theta.csv columns; characters other than letters,
// digits and '_' become '_'), metrics epoch and loss (NULL when not finite: status "invalid").
// meta "fits" = [{round, label, status}]. Fits whose parameters differ from the first fit's (the
// animals' "without ..." models) do not fit the table's columns: they are left out and counted.
#include "plast/infer/infer_study.hpp"

#include <string>
#include <vector>

namespace plast::search {

struct FitArchiveCounts {
    long long rows = 0;
    int fits = 0, left_out = 0;
};

FitArchiveCounts write_fit_archive(const std::string& path, const std::vector<infer::FitTrace>& traces,
                                   const std::string& optimizer, const std::string& fingerprint);

} // namespace plast::search
