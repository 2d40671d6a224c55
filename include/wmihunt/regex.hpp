// regex: the one wrapper around PCRE2; compiled patterns with RAII ownership.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wmihunt {

// Thrown by Regex's constructor; what() says why and at which pattern offset it fails.
class RegexError : public std::runtime_error {
  public:
    RegexError(const std::string& message, std::size_t offset)
        : std::runtime_error(message), m_offset(offset) {}
    // Byte offset in the pattern where PCRE2 stopped.
    std::size_t offset() const { return m_offset; }

  private:
    std::size_t m_offset;
};

// A compiled PCRE2 pattern (8-bit, UTF mode). Immutable after construction and safe to
// share between threads: every search allocates its own match data.
class Regex {
  public:
    struct Options {
        bool caseless = false;
        bool anchored_whole = false; // the pattern must match the whole subject
    };

    // Compiles `pattern`; throws RegexError on a syntax error.
    explicit Regex(std::string_view pattern, Options options);
    explicit Regex(std::string_view pattern) : Regex(pattern, Options{}) {}
    ~Regex();
    Regex(Regex&&) noexcept;
    Regex& operator=(Regex&&) noexcept;
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    // True when the pattern matches anywhere in `subject` (or the whole of it with
    // anchored_whole). Invalid UTF-8 in the subject never throws: it is matched bytewise.
    bool matches(std::string_view subject) const;

    // The first match's capture group `group` (0 = the whole match), or nullopt when
    // there is no match or the group did not take part in it.
    std::optional<std::string_view> first_capture(std::string_view subject, int group) const;

    // Number of a named group, or -1 when the pattern has no group of that name.
    int group_number(std::string_view name) const;

    const std::string& pattern() const { return m_pattern; }

  private:
    struct Impl;
    std::string m_pattern;
    std::unique_ptr<Impl> m_impl;
};

// Escapes `text` so that it matches itself literally inside a PCRE2 pattern.
std::string regex_escape(std::string_view text);

} // namespace wmihunt
