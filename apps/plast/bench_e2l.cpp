// plast bench e2l / e2l_evolve: wall time of one E2L fitness evaluation per task, and of a full
// error-task evolution (1000 generations, mu = 4, lambda = 4).
#include "bench.hpp"

#include "plast/cgp/evolution.hpp"
#include "plast/e2l/correlation_task.hpp"
#include "plast/e2l/error_task.hpp"
#include "plast/e2l/reward_task.hpp"
#include "plast/io/config.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>

namespace plast::app {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double thread_cpu_seconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double g_last_cpu = 0.0; // CPU time of the last timed() call (differs from wall time on a busy machine)

template <class F> double timed(F&& f)
{
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_seconds();
    f();
    g_last_cpu = thread_cpu_seconds() - c0;
    return seconds_since(t0);
}

int bench_eval(const BenchOptions& o)
{
    nlohmann::json out;
    auto report = [&](const std::string& task, const std::string& rule, const std::string& workload, double setup,
                      double secs, double fit) {
        std::printf("%-12s %-26s %-44s setup %6.3f s   evaluation %7.3f s wall, %7.3f s cpu   F = %.6g\n", task.c_str(),
                    rule.c_str(), workload.c_str(), setup, secs, g_last_cpu, fit);
        out[task] = {{"rule", rule},         {"workload", workload},           {"setup_s", setup},
                     {"evaluation_s", secs}, {"evaluation_cpu_s", g_last_cpu}, {"fitness", fit}};
    };
    std::printf("one fitness evaluation per task, serial (one core); --scale shrinks the simulated time\n");
    {
        e2l::ErrorTaskParams p;
        p.duration = std::max(10.0, std::round(p.duration * o.scale));
        std::unique_ptr<e2l::ErrorTask> t;
        const double setup = timed([&] { t = std::make_unique<e2l::ErrorTask>(p); });
        const auto rules = e2l::parse_rules(*t, "(v - u)*sbar");
        double f = 0;
        const double s = timed([&] { f = t->fitness(rules); });
        report("error", "(v - u)*sbar",
               std::to_string(p.n_experiments) + " exp x " + std::to_string(p.duration / 1000) + " s, h = 0.01 ms",
               setup, s, f);
    }
    {
        e2l::RewardTaskParams p;
        p.n_trials = std::max(1, static_cast<int>(p.n_trials * o.scale));
        std::unique_ptr<e2l::RewardTask> t;
        const double setup = timed([&] { t = std::make_unique<e2l::RewardTask>(p); });
        const auto rules = e2l::parse_rules(*t, "(R - 1)*E");
        double f = 0;
        const double s = timed([&] { f = t->fitness(rules); });
        report("reward", "(R - 1)*E",
               std::to_string(p.n_experiments) + " exp x " + std::to_string(p.n_trials) + " trials x 0.5 s", setup, s,
               f);
    }
    {
        e2l::CorrelationTaskParams p;
        p.train = std::max(p.test, std::round(p.train * o.scale));
        std::unique_ptr<e2l::CorrelationTask> t;
        const double setup = timed([&] { t = std::make_unique<e2l::CorrelationTask>(p); });
        const auto rules = e2l::parse_rules(*t, "w*E - w - E; -w + E");
        double f = 0;
        const double s = timed([&] { f = t->fitness(rules); });
        report("correlation", "LR1 (w*E - w - E; E - w)",
               std::to_string(p.n_tasks) + " tasks x (" + std::to_string(p.train / 1000) + " + 11) s, 1000 inputs",
               setup, s, f);
    }
    if (!o.json_out.empty()) std::ofstream(o.json_out) << out.dump(2) << "\n";
    return 0;
}

int bench_evolve(const BenchOptions& o)
{
    e2l::ErrorTask task{e2l::ErrorTaskParams{}};
    auto spec = std::make_shared<cgp::GenomeSpec>();
    spec->n_inputs = 3;
    spec->n_columns = 12;
    spec->levels_back = 12;
    for (const char* p : {"+", "-", "*", "/", "1.0"})
        spec->primitives.push_back(cgp::primitive_from_name(p));
    spec->finalize();
    cgp::EaConfig cfg;
    cfg.max_generations = std::max(1, static_cast<int>(1000 * o.scale));
    cfg.termination_fitness = 0.0;
    cfg.threads = o.threads;
    cfg.seed = 12;
    cgp::Evolution ev(cfg, {spec}, task.rule_inputs(),
                      [&](const std::vector<expr::Tape>& r) { return task.fitness(r); });
    const auto t0 = std::chrono::steady_clock::now();
    ev.initialize();
    while (!ev.finished())
        ev.step();
    const double secs = seconds_since(t0);
    std::printf("error-task evolution: %d generations, mu = 4, lambda = 4, %d thread(s): %.1f s wall "
                "(%lld evaluations, %lld cache hits, %lld silent offspring); champion F = %.6g: %s\n",
                ev.generation(), o.threads, secs, ev.n_evaluations(), ev.n_cache_hits(), ev.n_silent(),
                ev.champion().fitness, ev.formulas(ev.champion())[0].c_str());
    if (!o.json_out.empty())
        std::ofstream(o.json_out) << nlohmann::json{{"generations", ev.generation()},
                                                    {"threads", o.threads},
                                                    {"wall_s", secs},
                                                    {"evaluations", ev.n_evaluations()},
                                                    {"champion_fitness", ev.champion().fitness},
                                                    {"champion", ev.formulas(ev.champion())[0]}}
                                         .dump(2)
                                  << "\n";
    return 0;
}

} // namespace

PLAST_BENCHMARK("e2l", "wall time of one fitness evaluation of each E2L task (error, reward, correlation)", bench_eval);
PLAST_BENCHMARK("e2l_evolve",
                "wall time of a full error-task evolution (1000 generations, mu = 4, lambda = 4; -j threads)",
                bench_evolve);

} // namespace plast::app
