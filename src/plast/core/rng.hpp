#pragma once
// Counter-based random streams (Random123 Philox4x64-10).
//
// A stream is keyed by (seed, purpose, a, b, c): the seed of the run, a purpose string such as
// "poisson_input" or "connectivity_EE", and up to three indices (candidate, trial, neuron, ...).
// The numbers a stream yields depend only on its key and on how many were drawn from it, never on
// thread count or on the order in which streams are used. Different candidates that use the same
// key for the same purpose see the same noise (common random numbers).
#include <cstdint>
#include <string_view>

namespace plast::rng {

// FNV-1a, stable across platforms and runs; used to turn a purpose name into a key word.
constexpr std::uint64_t purpose_hash(std::string_view s)
{
    std::uint64_t h = 1469598103934665603ull;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

class Stream {
public:
    Stream(std::uint64_t seed, std::string_view purpose, std::uint64_t a = 0, std::uint64_t b = 0,
           std::uint64_t c = 0);

    std::uint64_t next_u64();
    // Uniform in [0, 1), 53 random bits.
    double uniform();
    // Uniform in (0, 1], never 0 (safe for log).
    double uniform_pos();
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    double normal();                                   // standard normal (Box-Muller, both values used)
    double normal(double mean, double sd) { return mean + sd * normal(); }
    double exponential(double mean);
    bool bernoulli(double p) { return uniform() < p; }
    std::uint64_t below(std::uint64_t n);              // uniform integer in [0, n)
    std::uint64_t poisson(double mean);
    std::uint64_t binomial(std::uint64_t n, double p); // exact for small n*p, normal approx never used
    std::uint64_t geometric_skip(double p);            // failures before the first success, p in (0, 1]
    // Calls f(i) for each success index i of n Bernoulli(p) trials, in increasing order, by geometric
    // skipping (cost proportional to the number of successes).
    template <class F>
    void for_each_success(std::uint64_t n, double p, F&& f)
    {
        std::uint64_t i = geometric_skip(p);
        while (i < n) {
            f(i);
            const std::uint64_t skip = geometric_skip(p);
            if (skip >= n - i) break;
            i += skip + 1;
        }
    }

    // Reposition the stream at block n (4 draws a block); used to jump to a time step cheaply.
    void seek_block(std::uint64_t n);

private:
    void refill();
    std::uint64_t key_[2];
    std::uint64_t ctr_[4];
    std::uint64_t buf_[4];
    int pos_ = 4;
    bool have_spare_ = false;
    double spare_ = 0.0;
};

} // namespace plast::rng
