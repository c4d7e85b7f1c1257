#pragma once
// Misbehaviour the optimiser cannot remove: a write through a null pointer, a recursion that is not a tail
// call, and a loop with a side effect.
#include <cstddef>

namespace hostile {

inline void segfault() {
  volatile int* volatile p = nullptr;
  *p = 1;
}

__attribute__((noinline)) inline std::size_t recurse(std::size_t depth) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(depth);
  return recurse(depth + 1) + static_cast<std::size_t>(frame[0]);
}

inline void spin() {
  volatile unsigned long n = 0;
  for (;;) n = n + 1;
}

}  // namespace hostile
