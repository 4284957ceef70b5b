#include "plast/core/rng.hpp"

#include <Random123/philox.h>

#include <cmath>
#include <numbers>

namespace plast::rng {

Stream::Stream(std::uint64_t seed, std::string_view purpose, std::uint64_t a, std::uint64_t b, std::uint64_t c)
    : key_{seed, purpose_hash(purpose)}, ctr_{a, b, c, 0}, buf_{0, 0, 0, 0}
{
}

void Stream::refill()
{
    r123::Philox4x64 gen;
    r123::Philox4x64::ctr_type ctr = {{ctr_[0], ctr_[1], ctr_[2], ctr_[3]}};
    r123::Philox4x64::key_type key = {{key_[0], key_[1]}};
    auto out = gen(ctr, key);
    for (int i = 0; i < 4; ++i) buf_[i] = out.v[i];
    ++ctr_[3];
    pos_ = 0;
}

void Stream::seek_block(std::uint64_t n)
{
    ctr_[3] = n;
    pos_ = 4;
    have_spare_ = false;
}

std::uint64_t Stream::next_u64()
{
    if (pos_ == 4) refill();
    return buf_[pos_++];
}

double Stream::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double Stream::uniform_pos() { return (static_cast<double>(next_u64() >> 11) + 1.0) * 0x1.0p-53; }

double Stream::normal()
{
    if (have_spare_) {
        have_spare_ = false;
        return spare_;
    }
    const double u1 = uniform_pos();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double phi = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(phi);
    have_spare_ = true;
    return r * std::cos(phi);
}

double Stream::exponential(double mean) { return -mean * std::log(uniform_pos()); }

std::uint64_t Stream::below(std::uint64_t n)
{
    // Lemire's multiply-shift with rejection: unbiased.
    if (n == 0) return 0;
    unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
    std::uint64_t low = static_cast<std::uint64_t>(m);
    if (low < n) {
        const std::uint64_t t = (0 - n) % n;
        while (low < t) {
            m = static_cast<unsigned __int128>(next_u64()) * n;
            low = static_cast<std::uint64_t>(m);
        }
    }
    return static_cast<std::uint64_t>(m >> 64);
}

std::uint64_t Stream::poisson(double mean)
{
    if (!(mean > 0.0)) return 0;
    if (mean < 30.0) {
        // Inversion by sequential search: exact, cost ~ mean.
        const double l = std::exp(-mean);
        std::uint64_t k = 0;
        double p = l, cdf = l;
        const double u = uniform();
        while (u > cdf && k < 10000) {
            ++k;
            p *= mean / static_cast<double>(k);
            cdf += p;
        }
        return k;
    }
    // Sum of exponential gaps over unit time, split in chunks to stay exact.
    std::uint64_t total = 0;
    double remaining = mean;
    while (remaining >= 30.0) {
        total += poisson(29.0);
        remaining -= 29.0;
    }
    return total + poisson(remaining);
}

std::uint64_t Stream::geometric_skip(double p)
{
    if (p >= 1.0) return 0;
    if (!(p > 0.0)) return UINT64_MAX;
    const double g = std::floor(std::log(uniform_pos()) / std::log1p(-p));
    return g >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(g);
}

std::uint64_t Stream::binomial(std::uint64_t n, double p)
{
    if (n == 0 || !(p > 0.0)) return 0;
    if (p >= 1.0) return n;
    std::uint64_t count = 0;
    for_each_success(n, p, [&](std::uint64_t) { ++count; });
    return count;
}

} // namespace plast::rng
