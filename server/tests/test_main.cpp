// The main() of every C++ test program: quiet logs (warnings and errors still show).
#include <gtest/gtest.h>

#include "core/log.hpp"

int main(int argc, char** argv) {
  meridian::log::set_level(meridian::log::Level::warn);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
