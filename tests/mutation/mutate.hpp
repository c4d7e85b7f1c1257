#pragma once
/// Seeded mutations of text inputs (YAML): each mutant is reproducible from its seed alone.
#include <cstdint>
#include <string>

namespace gpusim::mutation {

/// `text` changed by one to three seeded edits: byte flips, deletions, duplicated or swapped lines,
/// swapped tokens, inserted YAML indicators ({[:-&*!|>'"%@), changed units, huge or negative numbers,
/// deep nesting, broken indentation, invalid UTF-8, a BOM, truncation. `what` receives a short account of
/// the edits (for the failure report).
std::string mutate_text(const std::string& text, uint64_t seed, std::string* what);

}  // namespace gpusim::mutation
