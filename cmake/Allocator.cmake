# The allocator of capcast's executables: tcmalloc (gperftools, BSD-3-Clause, Debian's
# libgoogle-perftools-dev), as Envoy links it. capcast hands memory from thread to thread on its
# hot paths (a lane allocates each SMS's submit and its callbacks, a bind's I/O thread frees them;
# the bind allocates each outcome, the lane frees it): glibc's malloc takes the owning arena's lock
# for each such free, and the lane and the bind then wait on each other's futexes. tcmalloc's
# per-thread caches return such memory without a lock. Measured in docs/BENCHMARKS.md (smpp_bench,
# "session 9"). Off under the sanitizers, which bring their own allocator; -DCAPCAST_TCMALLOC=OFF
# keeps glibc's.
add_library(capcast_allocator INTERFACE)
if(CAPCAST_TCMALLOC AND NOT CAPCAST_SANITIZE)
  pkg_check_modules(TCMALLOC REQUIRED IMPORTED_TARGET libtcmalloc_minimal)
  # No symbol of it is named by capcast's code: keep it linked even where --as-needed is the
  # linker's default, so that it, not glibc, provides malloc and operator new.
  target_link_libraries(capcast_allocator INTERFACE "-Wl,--push-state,--no-as-needed"
                                                    PkgConfig::TCMALLOC "-Wl,--pop-state")
  set(CAPCAST_ALLOCATOR "tcmalloc ${TCMALLOC_VERSION}")
else()
  set(CAPCAST_ALLOCATOR "glibc malloc")
endif()
message(STATUS "capcast: executables use ${CAPCAST_ALLOCATOR}")
