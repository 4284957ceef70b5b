#pragma once
// The results of one fit as JSON, read back bit for bit: how a fit's result travels from the rank or thread
// that ran it to the writers (fit_jobs.hpp), and the number encoding of the Adam checkpoints (fit.cpp).
// JSON has no NaN/Inf: non-finite numbers are the strings "nan", "inf", "-inf"; finite doubles are written
// with the shortest text that reads back to the same double.
#include "plast/infer/behaviour_experiment.hpp"
#include "plast/infer/oja_experiment.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace plast::infer {

nlohmann::json json_number(double x);
double json_number(const nlohmann::json& j);
nlohmann::json json_numbers(const std::vector<double>& v);
std::vector<double> json_numbers(const nlohmann::json& j);

nlohmann::json to_json(const OjaResult& r);
nlohmann::json to_json(const BehaviourResult& r);
nlohmann::json to_json(const AnimalResult& r);
// Throws std::runtime_error naming the field when j does not hold a result of that kind.
void from_json(const nlohmann::json& j, OjaResult& r);
void from_json(const nlohmann::json& j, BehaviourResult& r);
void from_json(const nlohmann::json& j, AnimalResult& r);

} // namespace plast::infer
