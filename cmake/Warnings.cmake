# Warnings as an INTERFACE target, linked by every capcast target (cpp-best-practices cmake_template).
add_library(capcast_warnings INTERFACE)
target_compile_options(capcast_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                  -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
                                                  -Wnull-dereference -Wimplicit-fallthrough)
if(CAPCAST_WERROR)
  target_compile_options(capcast_warnings INTERFACE -Werror)
endif()

add_library(capcast_sanitizers INTERFACE)
if(CAPCAST_SANITIZE)
  target_compile_options(capcast_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -O1
                                                      -fno-sanitize-recover=undefined)
  target_link_options(capcast_sanitizers INTERFACE -fsanitize=address,undefined)
  # GCC 12 reports false -Wmaybe-uninitialized in std::variant/std::optional code when the
  # sanitizers' instrumentation is on (GCC bug 105562 and kin); the dev and release builds keep
  # the warning.
  target_compile_options(capcast_sanitizers INTERFACE -Wno-maybe-uninitialized)
endif()
