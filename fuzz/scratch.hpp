// scratch: the one file per fuzzing process that a target writes each input into, for
// the command to read; removed when the process exits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace fuzz {

class Scratch {
  public:
    // STEM-PID.EXTENSION in the temporary folder ("wmihunt-fuzz-4711.evtx").
    Scratch(const std::string& stem, const std::string& extension)
        : m_path((std::filesystem::temp_directory_path() /
                  (stem + "-" + std::to_string(::getpid()) + extension))
                     .string()) {}
    ~Scratch() {
        std::error_code ignored;
        std::filesystem::remove(m_path, ignored);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    // Replaces the file's content with `data`; returns its path.
    const std::string& write(const uint8_t* data, size_t size) const {
        std::ofstream file(m_path, std::ios::binary | std::ios::trunc);
        file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        return m_path;
    }
    const std::string& path() const { return m_path; }

  private:
    std::string m_path;
};

} // namespace fuzz
