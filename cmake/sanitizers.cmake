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

# -DMERIDIAN_TSAN=ON builds with ThreadSanitizer: scripts/tsan.sh builds only the tests of
# the code that shares state between threads and runs them.
option(MERIDIAN_TSAN "Build with ThreadSanitizer" OFF)
if(MERIDIAN_TSAN)
  # GCC warns that TSan does not model std::atomic_thread_fence, which Asio's fenced_block
  # uses around handlers; the handlers' queues are mutex-protected, which TSan does see.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer $<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
  add_link_options(-fsanitize=thread)
endif()
