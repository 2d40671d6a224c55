// temp_dir: a fresh, empty folder for one test, removed with what it holds at the end.
#pragma once

#include <filesystem>
#include <string>

#include <unistd.h>

namespace wmihunt::test {

// <system temporary folder>/wmihunt-NAME-PID, emptied first if an earlier run left it.
struct TempDir {
    explicit TempDir(const std::string& name)
        : path(std::filesystem::temp_directory_path() /
               ("wmihunt-" + name + "-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::filesystem::path path;
};

} // namespace wmihunt::test
