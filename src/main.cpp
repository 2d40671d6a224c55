// main: the wmihunt executable; everything else lives in the wmihunt library.
#include "wmihunt/app.hpp"

#include <iostream>

int main(int argc, char** argv) {
    return wmihunt::run(argc, argv, std::cout, std::cerr);
}
