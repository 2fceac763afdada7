# -DMERIDIAN_SANITIZE=ON builds everything with AddressSanitizer and UBSan.
option(MERIDIAN_SANITIZE "Build with ASan + UBSan" OFF)
if(MERIDIAN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# -DMERIDIAN_FUZZ=ON (clang only) builds the libFuzzer targets in server/fuzz: every
# library they link is instrumented for coverage, ASan and UBSan; only the targets link
# libFuzzer's main.
option(MERIDIAN_FUZZ "Build the libFuzzer targets (clang; server/fuzz)" OFF)
if(MERIDIAN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MERIDIAN_FUZZ needs clang (e.g. -DCMAKE_CXX_COMPILER=clang++-16)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
