// regex: PCRE2 compilation and matching behind wmihunt::Regex.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "wmihunt/regex.hpp"

#include <pcre2.h>

#include <array>

namespace wmihunt {

namespace {

struct CodeDeleter {
    void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
struct MatchDataDeleter {
    void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};
using CodePtr = std::unique_ptr<pcre2_code, CodeDeleter>;
using MatchDataPtr = std::unique_ptr<pcre2_match_data, MatchDataDeleter>;

std::string pcre2_message(int code) {
    std::array<PCRE2_UCHAR, 256> buffer{};
    int length = pcre2_get_error_message(code, buffer.data(), buffer.size());
    if (length < 0)
        return "unknown PCRE2 error " + std::to_string(code);
    return std::string(reinterpret_cast<const char*>(buffer.data()), static_cast<size_t>(length));
}

} // namespace

struct Regex::Impl {
    // Compiled with PCRE2_MATCH_INVALID_UTF, so a subject holding invalid UTF-8 is
    // searched safely (invalid sequences simply match nothing) instead of failing.
    CodePtr code;
};

Regex::Regex(std::string_view pattern, Options options)
    : m_pattern(pattern), m_impl(std::make_unique<Impl>()) {
    uint32_t flags = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (options.caseless)
        flags |= PCRE2_CASELESS;
    std::string source(pattern);
    if (options.anchored_whole) {
        source = "(?:" + source + ")\\z";
        flags |= PCRE2_ANCHORED;
    }
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(),
                                     flags, &error_code, &error_offset, nullptr);
    if (code == nullptr) {
        std::size_t offset = error_offset;
        if (options.anchored_whole)
            offset = offset >= 3 ? std::min(offset - 3, pattern.size()) : 0;
        throw RegexError(pcre2_message(error_code), offset);
    }
    m_impl->code.reset(code);
    // JIT is an optimisation only; a failure to JIT leaves the interpreter in charge.
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

bool Regex::matches(std::string_view subject) const {
    return first_capture(subject, 0).has_value();
}

std::optional<std::string_view> Regex::first_capture(std::string_view subject, int group) const {
    MatchDataPtr data(pcre2_match_data_create_from_pattern(m_impl->code.get(), nullptr));
    if (!data)
        throw std::bad_alloc();
    int rc = pcre2_match(m_impl->code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                         subject.size(), 0, 0, data.get(), nullptr);
    if (rc < 0)
        return std::nullopt;
    if (group < 0 || group >= rc)
        return std::nullopt;
    PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
    PCRE2_SIZE start = ovector[2 * group];
    PCRE2_SIZE end = ovector[2 * group + 1];
    if (start == PCRE2_UNSET)
        return std::nullopt;
    return subject.substr(start, end - start);
}

int Regex::group_number(std::string_view name) const {
    std::string key(name);
    int number = pcre2_substring_number_from_name(m_impl->code.get(),
                                                  reinterpret_cast<PCRE2_SPTR>(key.c_str()));
    return number < 0 ? -1 : number;
}

std::string regex_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (char c : text) {
        if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos)
            out += '\\';
        out += c;
    }
    return out;
}

} // namespace wmihunt
