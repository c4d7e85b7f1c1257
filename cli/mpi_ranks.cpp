#include "cli/mpi_ranks.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/errors.hpp"

#ifdef GPUSIM_HAVE_MPI
#define OMPI_SKIP_MPICXX 1  // the C interface only
#include <mpi.h>
#endif

namespace gpusim {
namespace {

bool launched_by_mpi() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMIX_RANK") || std::getenv("PMI_RANK");
}

}  // namespace

#ifdef GPUSIM_HAVE_MPI

MpiRanks::MpiRanks() {
  if (!launched_by_mpi()) return;
  // The batch runner forks a child per simulation; the children never call MPI and leave with _exit.
  ::setenv("OMPI_MCA_mpi_warn_on_fork", "0", 0);
  int argc = 0;
  char** argv = nullptr;
  MPI_Init(&argc, &argv);
  active_ = true;
}

MpiRanks::~MpiRanks() {
  if (active_) MPI_Finalize();
}

SweepComm MpiRanks::comm() const {
  SweepComm c;
  if (!active_) return c;
  MPI_Comm_rank(MPI_COMM_WORLD, &c.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &c.size);
  const int rank = c.rank;
  const int size = c.size;
  c.gather = [rank, size](const std::string& mine) {
    int length = static_cast<int>(mine.size());
    std::vector<int> lengths(static_cast<std::size_t>(size));
    MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::vector<int> offsets(static_cast<std::size_t>(size), 0);
    int total = 0;
    for (int r = 0; r < size; ++r) {
      offsets[static_cast<std::size_t>(r)] = total;
      total += lengths[static_cast<std::size_t>(r)];
    }
    std::string all(rank == 0 ? static_cast<std::size_t>(total) : 0, '\0');
    MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0,
                MPI_COMM_WORLD);
    std::vector<std::string> parts;
    if (rank != 0) return parts;
    for (int r = 0; r < size; ++r) {
      parts.push_back(all.substr(static_cast<std::size_t>(offsets[static_cast<std::size_t>(r)]),
                                 static_cast<std::size_t>(lengths[static_cast<std::size_t>(r)])));
    }
    return parts;
  };
  c.broadcast = [](const std::string& text) {
    unsigned long long length = text.size();
    MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    std::string out = text;
    out.resize(static_cast<std::size_t>(length));
    MPI_Bcast(out.data(), static_cast<int>(length), MPI_CHAR, 0, MPI_COMM_WORLD);
    return out;
  };
  return c;
}

void MpiRanks::abort(int code) const {
  if (active_) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

#else

MpiRanks::MpiRanks() {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (launched_by_mpi() && !(size && std::string(size) == "1")) {
    throw ConfigError(
        "error: this gpusim was built without MPI (libopenmpi-dev was missing when it was built), so under "
        "mpirun or srun every rank would run the whole sweep; rebuild it, or run the sweep without a launcher");
  }
}

MpiRanks::~MpiRanks() = default;

SweepComm MpiRanks::comm() const { return SweepComm{}; }

void MpiRanks::abort(int code) const { std::exit(code); }

#endif

}  // namespace gpusim
