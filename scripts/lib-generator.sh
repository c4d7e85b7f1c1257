# Sourced by the build scripts: cmake_generator DIR prints the -G option for a fresh build directory DIR
# (Ninja when it is installed: both cores stay busy, where Make compiles a library's sources only after the
# libraries it links are built) and nothing for one configured already (CMake keeps its generator).
cmake_generator() {
  if [[ ! -f "$1/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
    echo "-GNinja"
  fi
}
