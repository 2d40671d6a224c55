// main.cpp: Catch2 entry point of evtxgen's unit tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
