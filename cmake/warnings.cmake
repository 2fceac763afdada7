# Warnings are errors on our own code (not on third-party headers, included as SYSTEM).
function(meridian_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror -Wno-missing-field-initializers)
endfunction()

# Line tables are all a backtrace or a sanitizer report needs; full debug info (-g) makes
# every object several times larger and the 2-core CI build and link markedly slower.
string(REPLACE "-g" "-g1" CMAKE_CXX_FLAGS_RELWITHDEBINFO "${CMAKE_CXX_FLAGS_RELWITHDEBINFO}")
string(REPLACE "-g" "-g1" CMAKE_CXX_FLAGS_DEBUG "${CMAKE_CXX_FLAGS_DEBUG}")
