// Recorded (data.source = files) or generated (data.source = generate) animals: their data and the fits per
// animal and model (see study_runs.hpp).
#include "plast/core/parallel.hpp"
#include "plast/core/progress.hpp"
#include "plast/infer/fit_live_outputs.hpp"
#include "plast/infer/study_runs.hpp"
#include "plast/io/run_dir.hpp"

#include <filesystem>

namespace plast::infer {

std::vector<AnimalData> generate_animal_data(const InferStudy& study, const io::RunDir& dir)
{
    const auto tea = study.teacher();
    const auto ts = study.theta_star();
    std::vector<AnimalData> animals;
    std::filesystem::create_directories(dir.file("data"));
    for (int a = 0; a < study.generate_animals; ++a) {
        const auto g = rate::generate_behaviour(study.beh.task, study.beh.net, *tea, ts.data(), study.beh.w_init_scale,
                                                study.seed, 3, static_cast<std::uint64_t>(a));
        const auto c = choices_from_generated(g);
        const std::string base = dir.file("data/Fly" + std::to_string(a + 1));
        write_animal_mat(base + ".mat", c);
        write_animal_csv(base + ".csv", c);
        animals.push_back(read_animal(base + ".mat"));
    }
    return animals;
}

std::vector<AnimalData> read_animal_files(const InferStudy& study)
{
    std::vector<AnimalData> animals;
    for (const auto& f : study.files)
        animals.push_back(read_animal(f));
    return animals;
}

AnimalResults run_animals(const InferStudy& study, const std::vector<AnimalData>& animals, const io::RunDir& dir,
                          int threads)
{
    AnimalResults out;
    std::vector<std::vector<std::string>> models{{}};
    out.model_names = {"full"};
    const auto& without = study.compare_without;
    for (const auto& t : without) {
        models.push_back({t});
        out.model_names.push_back("without " + t);
    }
    if (without.size() > 1) {
        models.push_back(without);
        std::string n = "without";
        for (auto& t : without)
            n += " " + t;
        out.model_names.push_back(n);
    }
    const std::size_t na = animals.size(), nm = models.size();
    out.animals = na;
    auto& res = out.fits;
    res.resize(na * nm);
    auto& studs = out.students;
    for (auto& m : models)
        studs.push_back(study.student(m));
    Progress prog("infer animals", res.size(), "fits");
    FitOptions fo = study.fit;
    fo.threads = res.size() > 1 ? 1 : threads;
    LiveThetaCsv theta_csv(dir, *studs[0]);
    const LogCallback first_fit = theta_csv.callback();
    parallel_for(res.size(), threads, [&](std::size_t i) {
        const std::size_t a = i / nm, m = i % nm;
        res[i] = run_animal(study.beh, animals[a].name, animals[a].choices, *studs[m],
                            study.theta0(*studs[m], study.seed), fit_options_for(study, dir, fo, i), study.seed,
                            study.samples, study.cutoff, study.continue_test, i == 0 ? first_fit : LogCallback{});
        prog.advance();
    });
    prog.done();
    for (std::size_t i = 0; i < res.size(); ++i)
        out.labels.push_back("animal=" + res[i].name + " model=" + out.model_names[i % nm]);
    return out;
}

} // namespace plast::infer
