#pragma once
/// Command-line value checks whose failures read as one plain line ("--seed: -1 is not a whole number
/// of 0 or more"), where CLI11's own print their bounds as `%f` (0.000000 to 1.797...e308 in full), and
/// the one-line failure message every parse error is printed with.

#include <CLI/CLI.hpp>
#include <string>

namespace gpusim {

/// A whole number >= 0 (seeds).
CLI::Validator whole_number_from_zero();
/// A whole number >= 1 (batch sizes).
CLI::Validator whole_number_from_one();
/// A number in [lo, hi]; `whole` also requires an integer.
CLI::Validator number_between(double lo, double hi, bool whole = false);

/// "gpusim SUBCOMMAND: error: WHAT (gpusim SUBCOMMAND --help lists the options)": one line on stderr.
std::string one_line_failure(const CLI::App* app, const CLI::Error& e);

}  // namespace gpusim
