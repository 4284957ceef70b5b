// Recorded (data.source = files) or generated (data.source = generate) animals: their data and the fits per
// animal and model (see study_runs.hpp).
#include "plast/infer/fit_live_outputs.hpp"
#include "plast/infer/result_json.hpp"
#include "plast/infer/study_runs.hpp"
#include "plast/io/run_dir.hpp"

#include <filesystem>

namespace plast::infer {

std::vector<AnimalData> generate_animal_data(const InferStudy& study, const io::RunDir& dir)
{
    const auto tea = study.teacher();
    const auto ts = study.theta_star();
    std::filesystem::create_directories(dir.file("data"));
    for (int a = 0; a < study.generate_animals; ++a) {
        const auto g = rate::generate_behaviour(study.beh.task, study.beh.net, *tea, ts.data(), study.beh.w_init_scale,
                                                study.seed, 3, static_cast<std::uint64_t>(a));
        const auto c = choices_from_generated(g);
        const std::string base = dir.file("data/Fly" + std::to_string(a + 1));
        write_animal_mat(base + ".mat", c);
        write_animal_csv(base + ".csv", c);
    }
    return read_generated_animals(study, dir.path());
}

std::vector<AnimalData> read_generated_animals(const InferStudy& study, const std::string& run_path)
{
    std::vector<AnimalData> animals;
    for (int a = 0; a < study.generate_animals; ++a)
        animals.push_back(read_animal(run_path + "/data/Fly" + std::to_string(a + 1) + ".mat"));
    return animals;
}

std::vector<AnimalData> read_animal_files(const InferStudy& study)
{
    std::vector<AnimalData> animals;
    for (const auto& f : study.files)
        animals.push_back(read_animal(f));
    return animals;
}

namespace {

// Model 0 is the full student; then one model per left-out term, then (more than one) all left out together.
struct Plan {
    std::vector<std::string> model_names;
    std::vector<std::shared_ptr<rules::DifferentiableRule>> students;
    std::vector<AnimalData> animals;
};

std::shared_ptr<const Plan> make_plan(const InferStudy& study, const std::vector<AnimalData>& animals)
{
    auto p = std::make_shared<Plan>();
    std::vector<std::vector<std::string>> models{{}};
    p->model_names = {"full"};
    const auto& without = study.compare_without;
    for (const auto& t : without) {
        models.push_back({t});
        p->model_names.push_back("without " + t);
    }
    if (without.size() > 1) {
        models.push_back(without);
        std::string n = "without";
        for (auto& t : without)
            n += " " + t;
        p->model_names.push_back(n);
    }
    for (auto& m : models)
        p->students.push_back(study.student(m));
    p->animals = animals;
    return p;
}

FitJobs make_jobs(const InferStudy& study, std::shared_ptr<const Plan> p, const std::string& run_path, int threads,
                  LogCallback first_fit)
{
    const std::size_t nm = p->students.size(), n = p->animals.size() * nm;
    FitOptions fo = study.fit;
    fo.threads = n > 1 ? 1 : threads;
    return FitJobs(
        n,
        [&study, p, nm, run_path, fo, first_fit](std::size_t i) {
            const std::size_t a = i / nm, m = i % nm;
            const auto& stu = *p->students[m];
            return to_json(run_animal(study.beh, p->animals[a].name, p->animals[a].choices, stu,
                                      study.theta0(stu, study.seed), fit_options_for(study, run_path, fo, i),
                                      study.seed, study.samples, study.cutoff, study.continue_test,
                                      i == 0 ? first_fit : LogCallback{}));
        },
        study.checkpoint_key);
}

} // namespace

FitJobs animal_jobs(const InferStudy& study, const std::vector<AnimalData>& animals, const std::string& run_path,
                    int threads)
{
    return make_jobs(study, make_plan(study, animals), run_path, threads, {});
}

AnimalResults run_animals(const InferStudy& study, const std::vector<AnimalData>& animals, const io::RunDir& dir,
                          search::Executor& executor, int threads)
{
    const auto plan = make_plan(study, animals);
    AnimalResults out;
    out.model_names = plan->model_names;
    out.students = plan->students;
    out.animals = animals.size();
    LiveThetaCsv theta_csv(dir, *plan->students[0]);
    const auto jobs = make_jobs(study, plan, dir.path(), threads, theta_csv.callback());
    for (const auto& j : run_fit_jobs(jobs, executor, study.seed, "infer animals", dir.path()))
        from_json(j, out.fits.emplace_back());
    const std::size_t nm = plan->students.size();
    for (std::size_t i = 0; i < out.fits.size(); ++i)
        out.labels.push_back("animal=" + out.fits[i].name + " model=" + out.model_names[i % nm]);
    return out;
}

} // namespace plast::infer
