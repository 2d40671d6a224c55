// The PCRE2 wrapper: captures, named groups, errors with offsets, odd subjects.
#include "wmihunt/regex.hpp"

#include <catch2/catch.hpp>

using namespace wmihunt;

TEST_CASE("Regex returns the first match's capture") {
    Regex re("NotificationQuery =\\s+(?<query>[^;|^$]+)");
    int group = re.group_number("query");
    REQUIRE(group == 1);
    auto got = re.first_capture("NotificationQuery = a; NotificationQuery = b;", group);
    REQUIRE(got);
    CHECK(*got == "a");
    CHECK_FALSE(re.first_capture("nothing here", group));
    CHECK(re.group_number("nope") == -1);
}

TEST_CASE("Regex reports a syntax error with its offset") {
    try {
        Regex bad("abc(def");
        FAIL("no exception");
    } catch (const RegexError& error) {
        CHECK(error.offset() == 7); // PCRE2 stops at the end, where ')' is missing
        CHECK(std::string(error.what()).find("parenthesis") != std::string::npos);
    }
}

TEST_CASE("Regex options: caseless and anchored to the whole subject") {
    Regex whole("ab.", Regex::Options{true, true});
    CHECK(whole.matches("ABC"));
    CHECK_FALSE(whole.matches("xABC"));
    CHECK_FALSE(whole.matches("ABCx"));
    Regex anywhere("b");
    CHECK(anywhere.matches("abc"));
}

TEST_CASE("Regex survives subjects with invalid UTF-8 and NUL bytes") {
    Regex re("x(y+)");
    std::string subject("\xff\xfe\0xyy", 6);
    auto got = re.first_capture(subject, 1);
    REQUIRE(got);
    CHECK(*got == "yy");
}

TEST_CASE("regex_escape makes metacharacters literal") {
    std::string text = "a.b*c(d)[e]{f}|g^h$i?j+k\\l";
    Regex re(regex_escape(text), Regex::Options{false, true});
    CHECK(re.matches(text));
    CHECK_FALSE(re.matches("aXb*c(d)[e]{f}|g^h$i?j+k\\l"));
}
