// rng.hpp: deterministic, portable random numbers (mt19937_64 with evtxgen's own mappings).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace evtxgen {

// std::mt19937_64's output sequence is fixed by the C++ standard; the mappings below are
// evtxgen's own (std distributions differ between standard libraries), so a seed gives the
// same files everywhere.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : m_engine(seed) {}

    std::uint64_t next() { return m_engine(); }
    // Uniform in [0, n) for n > 0 (multiply-high mapping; bias below 2^-64 * n).
    std::uint64_t below(std::uint64_t n) { return mul_high(next(), n); }
    // Uniform in [lo, hi] for lo <= hi.
    std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }
    // True with probability per_mille / 1000.
    bool chance(std::uint64_t per_mille) { return below(1000) < per_mille; }
    template <class T> const T& pick(const std::vector<T>& items) {
        return items[static_cast<std::size_t>(below(items.size()))];
    }

  private:
    // High 64 bits of the 128-bit product a * b.
    static std::uint64_t mul_high(std::uint64_t a, std::uint64_t b) {
        const std::uint64_t a_lo = a & 0xFFFFFFFFu, a_hi = a >> 32;
        const std::uint64_t b_lo = b & 0xFFFFFFFFu, b_hi = b >> 32;
        const std::uint64_t lo_lo = a_lo * b_lo;
        const std::uint64_t hi_lo = a_hi * b_lo;
        const std::uint64_t lo_hi = a_lo * b_hi;
        const std::uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xFFFFFFFFu) + lo_hi;
        return a_hi * b_hi + (hi_lo >> 32) + (cross >> 32);
    }

    std::mt19937_64 m_engine;
};

} // namespace evtxgen
