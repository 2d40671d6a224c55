// timefmt: civil-time formatting of tick counts, floor semantics for times before 1970.
#include "wmihunt/timefmt.hpp"

#include <chrono>

#include <fmt/format.h>

namespace wmihunt {

namespace {

constexpr int64_t ticks_per_second = 10'000'000;

struct Civil {
    int year;
    unsigned month, day, hour, minute, second;
    int64_t fraction; // ticks within the second, 0..9999999
};

Civil to_civil(int64_t ticks) {
    int64_t seconds = ticks / ticks_per_second;
    int64_t fraction = ticks % ticks_per_second;
    if (fraction < 0) {
        fraction += ticks_per_second;
        --seconds;
    }
    int64_t days = seconds / 86400;
    int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    using namespace std::chrono;
    year_month_day ymd{sys_days{std::chrono::days{days}}};
    return Civil{int(ymd.year()),
                 unsigned(ymd.month()),
                 unsigned(ymd.day()),
                 unsigned(rest / 3600),
                 unsigned(rest / 60 % 60),
                 unsigned(rest % 60),
                 fraction};
}

} // namespace

std::string format_splunk_time(int64_t ticks) {
    Civil c = to_civil(ticks);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour,
                       c.minute, c.second);
}

std::string format_iso_time(int64_t ticks) {
    Civil c = to_civil(ticks);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}Z", c.year, c.month, c.day, c.hour,
                       c.minute, c.second, c.fraction);
}

} // namespace wmihunt
