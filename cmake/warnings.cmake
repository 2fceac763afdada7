# Warnings are errors on our own code (not on third-party headers, included as SYSTEM).
function(meridian_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror -Wno-missing-field-initializers)
endfunction()
