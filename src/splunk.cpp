// splunk: token and wildcard-value matching as Splunk's search command applies them.
#include "wmihunt/splunk.hpp"

namespace wmihunt {

namespace {

// segmenters.conf defaults: MAJOR = [ ] < > ( ) { } | ! ; , ' " * \n \r \s \t & ? +
// MINOR = / : = @ . - $ # % \ _
bool is_breaker(char c) {
    static constexpr std::string_view breakers = "[]<>(){}|!;,'\"*\n\r \t&?+/:=@.-$#%\\_\v\f";
    return breakers.find(c) != std::string_view::npos;
}

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_caseless_at(std::string_view text, size_t pos, std::string_view term) {
    for (size_t i = 0; i < term.size(); ++i)
        if (ascii_lower(text[pos + i]) != ascii_lower(term[i]))
            return false;
    return true;
}

std::string wildcard_pattern(std::string_view value) {
    std::string pattern;
    size_t start = 0;
    while (true) {
        size_t star = value.find('*', start);
        pattern += regex_escape(value.substr(start, star - start));
        if (star == std::string_view::npos)
            break;
        pattern += "(?s:.*)";
        start = star + 1;
    }
    return pattern;
}

} // namespace

bool term_matches(std::string_view text, std::string_view term) {
    if (term.empty() || term.size() > text.size())
        return false;
    for (size_t pos = 0; pos + term.size() <= text.size(); ++pos) {
        if (!equal_caseless_at(text, pos, term))
            continue;
        bool left = pos == 0 || is_breaker(text[pos - 1]);
        size_t end = pos + term.size();
        bool right = end == text.size() || is_breaker(text[end]);
        if (left && right)
            return true;
    }
    return false;
}

SplunkValue::SplunkValue(std::string_view value)
    : m_text(value), m_regex(wildcard_pattern(value), Regex::Options{true, true}) {}

} // namespace wmihunt
