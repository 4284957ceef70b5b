#include "plast/infer/fit_live_outputs.hpp"

#include "plast/infer/infer_study.hpp"
#include "plast/io/run_dir.hpp"
#include "plast/rules/taylor_rule.hpp"

namespace plast::infer {

std::vector<std::string> theta_names(const rules::DifferentiableRule& rule)
{
    std::vector<std::string> h;
    if (auto* t = dynamic_cast<const rules::TaylorRule*>(&rule))
        for (std::size_t k = 0; k < t->size(); ++k)
            h.push_back(t->column_name(k));
    else
        for (auto& n : rule.param_names())
            h.push_back(n);
    return h;
}

FitOptions fit_options_for(const InferStudy& study, const std::string& run_path, const FitOptions& base, std::size_t i)
{
    FitOptions f = base;
    if (!study.checkpoint_key.empty()) {
        f.checkpoint = run_path + "/checkpoints/fit_" + std::to_string(i) + ".json";
        f.checkpoint_key = study.checkpoint_key + " fit " + std::to_string(i);
    }
    return f;
}

namespace {

std::vector<std::string> theta_csv_header(const rules::DifferentiableRule& rule)
{
    std::vector<std::string> h{"epoch", "loss"};
    for (auto& n : theta_names(rule))
        h.push_back(n);
    return h;
}

} // namespace

LiveThetaCsv::LiveThetaCsv(const io::RunDir& dir, const rules::DifferentiableRule& rule)
    : csv_(dir.file("theta.csv"), theta_csv_header(rule))
{
}

LogCallback LiveThetaCsv::callback()
{
    return [this](int epoch, double loss, const std::vector<double>& theta) {
        std::vector<io::Cell> row{static_cast<long long>(epoch), loss};
        for (double v : theta)
            row.emplace_back(v);
        csv_.row(row);
        csv_.flush();
    };
}

} // namespace plast::infer
