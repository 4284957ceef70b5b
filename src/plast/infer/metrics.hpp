#pragma once
// Inference metrics, spec gradient-inference.md §8.
//
// r2_per_unit: R^2 = 1 - sum (y - yhat)^2 / sum (y - mean y)^2 computed per column (unit or synapse) over
//   the rows (time), then averaged uniformly over columns. Constant true column: 1 if predicted exactly,
//   else 0 (scikit-learn convention). Rows with valid[row] == 0 are skipped.
// deviance: D = mean over valid presentations of -2 log P(observed decision), P = sigmoid(logit) for an
//   acceptance, 1 - sigmoid(logit) for a rejection.
// percent_deviance_explained = 100 (D_null - D_model) / D_null, null = the theta = 0 network.
#include <cstdint>
#include <vector>

namespace plast::infer {

double r2_per_unit(const std::vector<double>& truth, const std::vector<double>& pred, std::size_t rows,
                   std::size_t cols, const std::vector<std::uint8_t>* valid_rows = nullptr);

double deviance(const std::vector<double>& logit, const std::vector<double>& decision); // NaN decisions skipped
double percent_deviance_explained(double d_model, double d_null);

double median(std::vector<double> v);
double mean(const std::vector<double>& v);

} // namespace plast::infer
