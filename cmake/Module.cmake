# capcast_module(NAME SOURCES ... DEPS ...): one library target per module, with a public
# include/ directory and a private src/ (see STYLE.md, "The folders are the architecture").
function(capcast_module name)
  cmake_parse_arguments(M "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(capcast_${name} STATIC ${M_SOURCES})
  add_library(capcast::${name} ALIAS capcast_${name})
  target_include_directories(capcast_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                             PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_compile_features(capcast_${name} PUBLIC cxx_std_20)
  target_link_libraries(capcast_${name} PUBLIC ${M_PUBLIC_DEPS} capcast_sanitizers
                                        PRIVATE ${M_PRIVATE_DEPS} capcast_warnings)
endfunction()
