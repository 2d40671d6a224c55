// stats count/min/max by key: grouping, merging, byte ordering.
#include "wmihunt/aggregator.hpp"

#include <catch2/catch.hpp>

using namespace wmihunt;

TEST_CASE("Aggregator counts per key and keeps first and last time") {
    Aggregator a;
    a.add({"H", "q"}, 50);
    a.add({"H", "q"}, 10);
    a.add({"H", "q"}, 30);
    a.add({"H", "r"}, 20);
    auto rows = a.rows();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].key == std::vector<std::string>{"H", "q"});
    CHECK(rows[0].count == 3);
    CHECK(rows[0].first_time == 10);
    CHECK(rows[0].last_time == 50);
    CHECK(rows[1].count == 1);
    CHECK(a.events() == 4);
}

TEST_CASE("Aggregator merge equals adding everything to one (across files)") {
    Aggregator one, part1, part2;
    std::vector<std::pair<std::vector<std::string>, int64_t>> events = {
        {{"A", "x"}, 5}, {{"B", "x"}, 7}, {{"A", "x"}, -3}, {{"A", "y"}, 9}, {{"B", "x"}, 1}};
    for (size_t i = 0; i < events.size(); ++i) {
        one.add(events[i].first, events[i].second);
        (i % 2 ? part1 : part2).add(events[i].first, events[i].second);
    }
    part1.merge(part2);
    auto a = one.rows(), b = part1.rows();
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].key == b[i].key);
        CHECK(a[i].count == b[i].count);
        CHECK(a[i].first_time == b[i].first_time);
        CHECK(a[i].last_time == b[i].last_time);
    }
    CHECK(a[0].first_time == -3); // A,x: min(5,-3)
}

TEST_CASE("Aggregator orders rows by key fields as UTF-8 bytes") {
    Aggregator a;
    a.add({"b", "1"}, 0);
    a.add({"B", "1"}, 0);
    a.add({"\xc3\xa9", "1"}, 0); // é (0xC3 0xA9) sorts after every ASCII byte
    a.add({"a", "2"}, 0);
    a.add({"a", "10"}, 0); // "10" < "2" bytewise
    auto rows = a.rows();
    REQUIRE(rows.size() == 5);
    CHECK(rows[0].key == std::vector<std::string>{"B", "1"});
    CHECK(rows[1].key == std::vector<std::string>{"a", "10"});
    CHECK(rows[2].key == std::vector<std::string>{"a", "2"});
    CHECK(rows[3].key == std::vector<std::string>{"b", "1"});
    CHECK(rows[4].key[0] == "\xc3\xa9");
}
