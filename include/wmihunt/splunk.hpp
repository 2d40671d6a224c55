// splunk: Splunk's search-time comparison rules (bare terms, field=value with wildcards).
#pragma once

#include "wmihunt/regex.hpp"

#include <string>
#include <string_view>

namespace wmihunt {

// True when `term` occurs in `text` as a whole token in Splunk's sense: compared
// case-insensitively (ASCII), and bounded on each side by the start or end of the text or
// by one of Splunk's default major or minor breakers (space, punctuation such as
// ; , = : . - _ / \ and so on). "Temporary" matches "PossibleCause = Temporary" and
// "x_Temporary", not "TemporaryEss".
bool term_matches(std::string_view text, std::string_view term);

// A value as written in `search field=value`: the whole field value must match,
// case-insensitively, and each `*` matches any run of characters (newlines included).
class SplunkValue {
  public:
    explicit SplunkValue(std::string_view value);
    bool matches(std::string_view field_value) const { return m_regex.matches(field_value); }
    const std::string& text() const { return m_text; }

  private:
    std::string m_text;
    Regex m_regex;
};

} // namespace wmihunt
