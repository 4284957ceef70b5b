#pragma once
// Behavioural data per animal (fly data, spec gradient-inference.md §5).
//
// MATLAB .mat (v5 or v7.3, read with libmatio) with the variables
//   X  n_events x 2   one-hot odor of each odor encounter (column 1 = odor A, column 2 = odor B)
//   Y  n_events       0/1 reject/accept of each encounter (row or column vector)
//   R  n_trials       reward of each accepted encounter; n_trials must equal sum(Y)
// CSV with the header `odor_a,odor_b,accept,reward`, one row per encounter: the one-hot odor, the
// decision, and the reward on accepting rows (empty on rejecting rows).
// Checks (plast::Error naming the file and the field): shapes, one-hot rows, 0/1 decisions, reward
// count = number of acceptances, NaN/Inf anywhere, at least one acceptance. Encounters after the last
// acceptance (an unfinished trial) are dropped and counted in `dropped_events`.
#include "plast/rate/two_odor_task.hpp"

#include <string>

namespace plast::infer {

struct AnimalData {
    std::string name; // file stem
    std::string path;
    rate::ChoiceRecord choices;
    int dropped_events = 0;
};

// Format by extension: .mat or .csv.
AnimalData read_animal(const std::string& path);
AnimalData read_animal_mat(const std::string& path);
AnimalData read_animal_csv(const std::string& path);

void write_animal_mat(const std::string& path, const rate::ChoiceRecord& rec);
void write_animal_csv(const std::string& path, const rate::ChoiceRecord& rec);

// The choices of a generated trajectory (what an experimenter would record).
rate::ChoiceRecord choices_from_generated(const rate::GeneratedBehaviour& g);

} // namespace plast::infer
