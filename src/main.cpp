// main: the wmihunt executable; everything else lives in the wmihunt library.
#include "wmihunt/app.hpp"
#include "wmihunt/platform.hpp"

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#ifdef WMIHUNT_MIMALLOC
#include <mimalloc.h>
#include <sys/mman.h>
#endif

namespace {

#ifdef WMIHUNT_MIMALLOC
// libevtx allocates a little for every value it decodes, so the heap keeps growing into
// fresh memory, and on a virtual machine every 4 KiB page fault is costly. The heap's
// first 256 MiB of address space (reserved, not used) are offered to the kernel for
// 2 MiB pages: a page fault per 2 MiB. Where the kernel declines, nothing changes.
void use_large_pages_for_the_heap() {
    constexpr size_t size = 256u << 20;
    constexpr size_t align = 64u << 20; // a multiple of mimalloc's segment alignment
    void* reserved = ::mmap(nullptr, size + align, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (reserved == MAP_FAILED)
        return;
    auto start = (reinterpret_cast<uintptr_t>(reserved) + align - 1) & ~(align - 1);
    void* area = reinterpret_cast<void*>(start);
    ::madvise(area, size, MADV_HUGEPAGE);
    mi_manage_os_memory(area, size, true, false, true, -1);
}
#endif

} // namespace

int main(int argc, char** argv) {
#ifdef WMIHUNT_MIMALLOC
    use_large_pages_for_the_heap();
#endif
    std::vector<std::string> arguments = wmihunt::platform::start(argc, argv);
    std::vector<const char*> pointers;
    for (const auto& argument : arguments)
        pointers.push_back(argument.c_str());
    return wmihunt::run(static_cast<int>(pointers.size()), pointers.data(), std::cout, std::cerr);
}
