// main.cpp: evtxgen entry point; all logic lives in evtxgen_core.
#include "cli.hpp"

int main(int argc, char** argv) {
    return evtxgen::run_cli(argc, argv);
}
